//! The deployments a client serves: none listed means every deployment; a
//! list admits only the members of those deployments.

/// A client's `deployments` as written: each id trimmed and non-empty, each
/// once, sorted. Whether each deployment exists is the registry's question.
pub fn parse(listed: &[String]) -> Result<Vec<String>, String> {
    let mut ids = Vec::with_capacity(listed.len());
    for id in listed {
        let id = id.trim();
        if id.is_empty() {
            return Err("deployments: an empty deployment id; to serve every deployment, list none \
                 (careid clients update --clear-deployments)"
                .into());
        }
        ids.push(id.to_string());
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// Whether a client serving `deployments` admits a member of `deployment_id`.
pub fn serves(deployments: &[String], deployment_id: &str) -> bool {
    deployments.is_empty() || deployments.iter().any(|d| d == deployment_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_trimmed_deduplicated_and_sorted_and_empty_ones_refused() {
        let listed = ["uk ".to_string(), "de".into(), "uk".into()];
        assert_eq!(parse(&listed).unwrap(), ["de", "uk"]);
        assert_eq!(parse(&[]).unwrap(), Vec::<String>::new());
        assert!(parse(&["uk".into(), " ".into()]).unwrap_err().contains("empty deployment id"));
    }

    #[test]
    fn no_list_serves_everyone_and_a_list_only_its_members() {
        assert!(serves(&[], "uk"));
        let bound = ["de".to_string(), "uk".into()];
        assert!(serves(&bound, "uk") && !serves(&bound, "us"));
    }
}
