//! Service `zec`: elastic compute, one folder per resource.

pub mod catalog;
pub mod disks;
pub mod eips;
pub mod instances;
pub mod nics;
pub mod security_groups;
pub mod snapshots;
pub mod subnets;
pub mod vpcs;

use crate::request::VerifiedRequest;
use zec_core::params::max_items;
use zec_core::rules;
use zec_store::TagList;
use zec_types::ApiError;
use zec_types::model::{Tag, Tags};

/// Most ids a Describe's id list may hold.
pub const MAX_IDS: usize = 100;

/// An id list filter: `None` when absent or empty; at most 100 ids.
pub fn ids_filter(field: &str, ids: &Option<Vec<String>>) -> Result<Option<Vec<String>>, ApiError> {
    match ids.as_deref().filter(|ids| !ids.is_empty()) {
        None => Ok(None),
        Some(ids) => {
            max_items(field, ids, MAX_IDS)?;
            Ok(Some(ids.iter().map(|s| s.trim().to_owned()).collect()))
        }
    }
}

/// Tags as answers show them.
pub fn tags(list: &TagList) -> Tags {
    Tags {
        tags: list
            .iter()
            .map(|(k, v)| Tag {
                key: k.clone(),
                value: v.clone(),
            })
            .collect(),
    }
}

/// Tags as a create request gives them: checked, as documents keep them.
pub fn tag_list(tags: &Option<Tags>) -> Result<TagList, ApiError> {
    let tags = tags.as_ref().map(|t| t.tags.as_slice()).unwrap_or_default();
    rules::tags::check(
        "tags",
        tags.iter().map(|t| (t.key.as_str(), t.value.as_str())),
    )?;
    Ok(tags
        .iter()
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect())
}

/// The tag filters of a Describe (`tagKeys`, `tags`) as list keys, owned.
pub fn tag_filters(
    keys: &Option<Vec<String>>,
    tags: &Option<Vec<Tag>>,
) -> Result<Vec<(&'static str, String)>, ApiError> {
    let keys = keys.as_deref().unwrap_or_default();
    let tags = tags.as_deref().unwrap_or_default();
    max_items("tagKeys", keys, 20)?;
    max_items("tags", tags, 20)?;
    Ok(keys
        .iter()
        .map(|k| ("tagKey", k.clone()))
        .chain(
            tags.iter()
                .map(|t| ("tag", zec_store::tag_key(&t.key, &t.value))),
        )
        .collect())
}

/// Security groups and key pairs belong to the whole account: a credential limited to
/// resource groups may use them, not change them.
pub fn check_account_wide(req: &VerifiedRequest, what: &str) -> Result<(), ApiError> {
    if req.caller.scope.groups.is_empty() {
        Ok(())
    } else {
        Err(rules::scope::account_wide(what))
    }
}

/// A name field: given, 1-64 characters, not blank.
pub fn name(field: &str, value: &Option<String>) -> Result<String, ApiError> {
    let v = zec_core::params::required(field, value)?;
    rules::network::check_name(field, v)?;
    Ok(v.to_owned())
}

/// An optional name field: `""` is not given.
pub fn optional_name(field: &str, value: &Option<String>) -> Result<Option<String>, ApiError> {
    match value.as_deref().filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => {
            rules::network::check_name(field, v)?;
            Ok(Some(v.to_owned()))
        }
    }
}

/// The resource group a create puts its objects in: the one named (which must be the
/// account's and one the credential may use), else the account's default group.
pub async fn group_for(
    app: &crate::App,
    req: &VerifiedRequest,
    id: &Option<String>,
) -> Result<String, ApiError> {
    let account = req.caller.account;
    let group = match crate::actions::non_empty(id) {
        Some(id) => app
            .store
            .group(account, &id)
            .ok_or_else(|| rules::found::group(&id))?,
        None => app
            .store
            .default_group(account)
            .await
            .map_err(crate::store_error)?,
    };
    crate::actions::check_group_allowed(req, &group.id)?;
    Ok(group.id)
}

/// A name filter: `^name$` matches exactly that name (as the CSI driver looks disks and
/// snapshots up), anything else is a substring of any case.
pub fn name_matches(name: &str, filter: &Option<String>) -> bool {
    match filter.as_deref().filter(|f| !f.is_empty()) {
        None => true,
        Some(f) => match f.strip_prefix('^').and_then(|f| f.strip_suffix('$')) {
            Some(exact) => name == exact,
            None => name.to_lowercase().contains(&f.to_lowercase()),
        },
    }
}

/// Whether a credential limited to resource groups may see a document of this group.
pub fn visible(groups: &Option<Vec<zec_core::Atom>>, group: &str) -> bool {
    groups
        .as_ref()
        .is_none_or(|g| g.iter().any(|g| **g == *group))
}

/// A non-empty string filter.
pub fn filter(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchored_names_match_exactly() {
        let f = |s: &str| Some(s.to_owned());
        assert!(name_matches("pvc-1", &f("^pvc-1$")));
        assert!(!name_matches("pvc-10", &f("^pvc-1$")));
        assert!(name_matches("pvc-10", &f("PVC-1")));
        assert!(name_matches("anything", &None));
        assert!(name_matches("anything", &f("")));
    }
}
