use super::*;
use crate::testing::instance;
use zec_core::Phase;
use zec_types::InstanceStatus as S;

fn ids(l: &Listing<StatusRow>) -> Vec<u64> {
    l.items.iter().map(|r| r.id).collect()
}

fn page(size: i64, num: i64) -> Page {
    Page::from_request(Some(size), Some(num)).unwrap()
}

fn filled(n: u64) -> Index {
    let mut ix = Index::default();
    for id in 1..=n {
        let group = if id % 2 == 0 { "even" } else { "odd" };
        ix.upsert(instance(id, 1, group));
    }
    ix.upsert(instance(1000, 2, "other"));
    ix
}

#[test]
fn pages_walk_every_instance_once_in_creation_order() {
    let ix = filled(45);
    let q = InstanceQuery::default();
    let mut seen = Vec::new();
    for n in 1..=3 {
        let l = ix.list_status(1, &q, page(20, n), 0);
        assert_eq!(l.total, 45);
        seen.extend(ids(&l));
    }
    assert_eq!(seen, (1..=45).collect::<Vec<_>>());
    let past = ix.list_status(1, &q, page(20, 4), 0);
    assert_eq!((past.total, past.items.len()), (45, 0));
}

#[test]
fn accounts_see_only_their_own() {
    let ix = filled(5);
    let l = ix.list_status(2, &InstanceQuery::default(), page(20, 1), 0);
    assert_eq!(ids(&l), [1000]);
    let q = InstanceQuery {
        ids: Some(vec![1000, 3]),
        ..Default::default()
    };
    assert_eq!(ids(&ix.list_status(1, &q, Page::ALL, 0)), [3]);
    assert!(ix.get(1, 1000).is_none());
    assert_eq!(ix.list_status(3, &q, Page::ALL, 0), Listing::empty());
}

#[test]
fn id_lists_are_deduplicated_sorted_and_unknown_ids_omitted() {
    let ix = filled(10);
    let q = InstanceQuery {
        ids: Some(vec![9, 2, 9, 77, 4]),
        ..Default::default()
    };
    let l = ix.list_status(1, &q, Page::ALL, 0);
    assert_eq!((l.total, ids(&l)), (3, vec![2, 4, 9]));
    let l = ix.list_status(1, &q, page(2, 2), 0);
    assert_eq!((l.total, ids(&l)), (3, vec![9]));
}

#[test]
fn resource_group_filter_pages_within_the_group() {
    let ix = filled(10);
    let q = InstanceQuery {
        resource_group_id: Some("even".into()),
        ..Default::default()
    };
    let l = ix.list_status(1, &q, page(3, 2), 0);
    assert_eq!((l.total, ids(&l)), (5, vec![8, 10]));
    let q = InstanceQuery {
        resource_group_id: Some("nope".into()),
        ..Default::default()
    };
    assert_eq!(ix.list_status(1, &q, page(3, 1), 0).total, 0);
}

#[test]
fn moving_between_groups_moves_between_lists() {
    let mut ix = filled(4);
    let mut i = ix.get(1, 2).unwrap().clone();
    i.resource_group_id = "odd".into();
    ix.upsert(i);
    let q = |g: &str| InstanceQuery {
        resource_group_id: Some(g.into()),
        ..Default::default()
    };
    assert_eq!(ids(&ix.list_status(1, &q("odd"), Page::ALL, 0)), [1, 2, 3]);
    assert_eq!(ids(&ix.list_status(1, &q("even"), Page::ALL, 0)), [4]);
}

#[test]
fn statuses_are_read_at_the_query_time() {
    let mut ix = filled(3);
    let mut i = ix.get(1, 2).unwrap().clone();
    i.begin(Phase::Stop, 100, 200, Phase::Stop.success());
    ix.upsert(i);
    let status = |now| {
        ix.list_status(1, &InstanceQuery::default(), Page::ALL, now)
            .items[1]
            .status
    };
    assert_eq!(status(199), S::Stopping);
    assert_eq!(status(200), S::Stopped);
    let by_status = |s, now| {
        let q = InstanceQuery {
            status: Some(s),
            ..Default::default()
        };
        ids(&ix.list_status(1, &q, Page::ALL, now))
    };
    assert_eq!(by_status(S::Stopping, 199), [2]);
    assert_eq!(by_status(S::Stopped, 200), [2]);
    assert_eq!(by_status(S::Running, 200), [1, 3]);
}

#[test]
fn an_instance_whose_removal_is_due_is_neither_listed_nor_counted() {
    let mut ix = filled(30);
    for id in [3, 4, 25] {
        let mut i = ix.get(1, id).unwrap().clone();
        i.status = S::Recycle;
        i.begin(Phase::Recycle, 0, 100, Target::Purged);
        ix.upsert(i);
    }
    let q = InstanceQuery::default();
    assert_eq!(ix.list_status(1, &q, Page::ALL, 99).total, 30);
    let first = ix.list_status(1, &q, page(5, 1), 100);
    assert_eq!((first.total, ids(&first)), (27, vec![1, 2, 5, 6, 7]));
    let later = ix.list_status(1, &q, page(5, 5), 100);
    assert_eq!(ids(&later), [23, 24, 26, 27, 28]);
    let odd = InstanceQuery {
        resource_group_id: Some("odd".into()),
        ..Default::default()
    };
    let l = ix.list_status(1, &odd, page(3, 1), 100);
    assert_eq!((l.total, ids(&l)), (13, vec![1, 5, 7]));
    // Filtered path agrees.
    let filtered = InstanceQuery {
        zone_id: Some("asia-east-1a".into()),
        ..Default::default()
    };
    assert_eq!(ix.list_status(1, &filtered, Page::ALL, 100).total, 27);
    ix.remove(3);
    assert_eq!(ix.list_status(1, &q, Page::ALL, 100).total, 27);
    assert_eq!(ix.list_status(1, &q, Page::ALL, 0).total, 29);
}

#[test]
fn subnet_usage_follows_inserts_and_removals() {
    let mut ix = filled(3);
    let subnet = ix.get(1, 1).unwrap().subnet_id.clone();
    assert_eq!(ix.subnet_usage(1, &subnet), 3);
    ix.remove(1);
    assert_eq!(ix.subnet_usage(1, &subnet), 2);
    assert_eq!(ix.subnet_usage(9, &subnet), 0);
}

#[test]
fn filters_combine_with_and() {
    let mut ix = filled(6);
    let mut i = ix.get(1, 5).unwrap().clone();
    i.name = "Web-Frontend".into();
    i.tags = vec![("env".into(), "prod".into())];
    ix.upsert(i);
    let q = InstanceQuery {
        name: Some("web".into()),
        tag_keys: vec!["env".into()],
        tags: vec![("env".into(), "prod".into())],
        resource_group_id: Some("odd".into()),
        ..Default::default()
    };
    assert_eq!(ids(&ix.list_status(1, &q, Page::ALL, 0)), [5]);
    let q = InstanceQuery {
        name: Some("web".into()),
        resource_group_id: Some("even".into()),
        ..Default::default()
    };
    assert_eq!(ix.list_status(1, &q, Page::ALL, 0).total, 0);
}
