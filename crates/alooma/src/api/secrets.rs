//! Client methods of the `secrets` area.
