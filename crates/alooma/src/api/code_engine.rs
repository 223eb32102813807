//! Client methods of the `code_engine` area.
