//! Client methods of the `outputs` area.
