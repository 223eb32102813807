//! Every operation of the registry, ready to build: the request-building
//! benchmarks take their list from `alooma_core::operations()` (each
//! entry's main example), so a new operation is benchmarked without being
//! listed here.

use alooma_core::Error;
use bytes::Bytes;

/// Builds one request.
pub type Build = Box<dyn Fn() -> Result<http::Request<Bytes>, Error>>;

/// Every operation benchmarked, by name, ready to build: one per registry
/// entry, from its main example.
pub fn operations() -> Result<Vec<(&'static str, Build)>, Box<dyn std::error::Error>> {
    Ok(alooma_core::operations()
        .filter_map(|op| {
            let example = op.examples().into_iter().next()?;
            let operation = example.operation;
            let build: Build = Box::new(move || operation.build());
            Some((op.meta().name, build))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registry_operation_builds_a_relative_request() {
        let ops = operations().unwrap();
        assert_eq!(ops.len(), alooma_core::operations().count());
        for (name, build) in &ops {
            let req = build().unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(req.uri().path().starts_with('/'), "{name}");
            assert_eq!(
                req.extensions()
                    .get::<alooma_core::OperationMeta>()
                    .map(|m| m.name),
                Some(*name)
            );
        }
    }
}
