//! Client methods of the `users` area.
