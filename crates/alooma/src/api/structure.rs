//! Client methods of the `structure` area.
