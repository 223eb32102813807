//! Integration tests of alooma-pipeline against the emulator, in-process
//! over loopback.

mod support;

mod files;
mod properties;
mod scenarios;
