//! Client methods of the `mapping` area.
