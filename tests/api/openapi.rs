use std::path::Path;

/// CI's freshness check: the committed document is exactly what `qualify openapi` prints.
#[test]
fn committed_spec_matches_the_code() {
    let generated = format!("{}\n", server::openapi::document().to_pretty_json().unwrap());
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec/openapi.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == generated, "api-spec/openapi.json is stale: run `make spec` and commit it");
}

#[test]
fn every_operation_documents_its_responses_and_a_summary() {
    let document = server::openapi::document();
    let mut operations = 0;
    for (path, item) in &document.paths.paths {
        for operation in [&item.get, &item.post, &item.patch, &item.put, &item.delete].into_iter().flatten() {
            operations += 1;
            assert!(operation.summary.is_some(), "{path} has no summary");
            assert!(!operation.responses.responses.is_empty(), "{path} has no responses");
        }
    }
    assert!(operations >= 16, "only {operations} operations documented");
}
