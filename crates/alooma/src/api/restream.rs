//! Client methods of the `restream` area.
