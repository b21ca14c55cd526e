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

/// Client generators name their functions after operationIds: two operations sharing one make
/// a client that does not compile, so each must be unique and look like a function name.
#[test]
fn every_operation_has_a_unique_camel_case_operation_id() {
    let document = serde_json::to_value(server::openapi::document()).unwrap();
    let mut seen = std::collections::BTreeMap::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(
                id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                    && id.chars().all(|c| c.is_ascii_alphanumeric()),
                "{method} {path}: operationId {id} is not camelCase"
            );
            if let Some(other) = seen.insert(id.to_owned(), format!("{method} {path}")) {
                panic!("operationId {id} is used by {other} and {method} {path}");
            }
        }
    }
}

/// Every `$ref` in the document points at a component the document has.
#[test]
fn every_reference_resolves() {
    fn refs<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(target)) = map.get("$ref") {
                    out.push(target);
                }
                map.values().for_each(|v| refs(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let document = serde_json::to_value(server::openapi::document()).unwrap();
    let mut found = Vec::new();
    refs(&document, &mut found);
    assert!(!found.is_empty());
    for target in found {
        let pointer = target.strip_prefix('#').unwrap_or_else(|| panic!("external reference {target}"));
        assert!(document.pointer(pointer).is_some(), "{target} does not resolve");
    }
}
