//! Shared benchmark support: a fast static loopback HTTP server and realistic payloads.
