//! Client methods of the `inputs` area.
