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

fn filled(n: u64) -> InstanceIndex {
    let mut ix = InstanceIndex::default();
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

/// Every way of planning a query gives what checking every instance gives: random instances,
/// random queries, random changes, compared with a brute-force scan.
#[test]
fn planned_queries_agree_with_a_scan_of_every_instance() {
    let mut rng: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n
    };
    let zones = ["asia-east-1a", "na-west-1a"];
    let types = ["z2a.cpu.1", "z2a.cpu.2", "z2b.mem.4"];
    let groups = ["g1", "g2", "g3"];
    let names = ["web-1", "Web-2", "db-main", "cache", "web-db"];
    let statuses = [S::Running, S::Stopped, S::Deploying];
    let mut ix = InstanceIndex::default();
    let mut all = Vec::new();
    for id in 1..=1500u64 {
        let mut i = instance(id, 1 + (id % 2) as i64, groups[next(3) as usize]);
        i.zone_id = zones[next(2) as usize].into();
        i.instance_type = types[next(3) as usize].into();
        i.name = names[next(5) as usize].into();
        i.status = statuses[next(3) as usize];
        if next(4) == 0 {
            i.tags = vec![("env".into(), ["prod", "dev"][next(2) as usize].into())];
        }
        if next(10) == 0 {
            i.begin(Phase::Stop, 0, 50 + next(100) as i64, Phase::Stop.success());
        }
        if next(30) == 0 {
            i.status = S::Recycle;
            i.begin(Phase::Recycle, 0, 100, Target::Purged);
        }
        all.push(i.clone());
        ix.upsert(i);
    }
    // Some changes after the fact, so that lists are maintained, not only built.
    for _ in 0..300 {
        let n = next(all.len() as u64) as usize;
        let i = &mut all[n];
        i.resource_group_id = groups[next(3) as usize].into();
        i.name = names[next(5) as usize].into();
        i.status = statuses[next(3) as usize];
        ix.upsert(i.clone());
    }
    for _ in 0..100 {
        let n = next(all.len() as u64) as usize;
        let gone = all.remove(n);
        ix.remove(gone.id);
    }
    for round in 0..400 {
        let pick = |n: u64, r: &mut dyn FnMut(u64) -> u64| r(n);
        let mut q = InstanceQuery::default();
        let mut r = |n| next(n);
        if pick(3, &mut r) == 0 {
            q.resource_group_id = Some(groups[r(3) as usize].into());
        }
        if pick(3, &mut r) == 0 {
            q.zone_id = Some(zones[r(2) as usize].into());
        }
        if pick(4, &mut r) == 0 {
            q.instance_type_series = Some(["z2a", "z2b"][r(2) as usize].into());
        }
        if pick(4, &mut r) == 0 {
            q.status = Some(statuses[r(3) as usize]);
        }
        if pick(4, &mut r) == 0 {
            q.name = Some(["web", "DB", "e", "-ma", "nothing"][r(5) as usize].into());
        }
        if pick(5, &mut r) == 0 {
            q.tags = vec![("env".into(), "prod".into())];
        }
        if pick(6, &mut r) == 0 {
            q.tag_keys = vec!["env".into()];
        }
        if pick(8, &mut r) == 0 {
            q.allowed_groups = Some(match r(2) {
                0 => vec!["g1".into()],
                _ => vec!["g1".into(), "g3".into()],
            });
        }
        let account = 1 + r(2) as i64;
        let now = [0, 75, 200][r(3) as usize];
        let page = Page::from_request(Some(1 + r(40) as i64), Some(1 + r(6) as i64)).unwrap();
        let got = ix.list_status(account, &q, page, now);
        let mut want: Vec<StatusRow> = all
            .iter()
            .filter(|i| i.account == account)
            .filter_map(|i| i.status_at(now).map(|s| (i, s)))
            .filter(|(i, s)| q.matches(i, *s))
            .map(|(i, s)| StatusRow {
                id: i.id,
                status: s,
            })
            .collect();
        want.sort_by_key(|r| r.id);
        let total = want.len() as u64;
        let items: Vec<_> = want[page.range(want.len())].to_vec();
        assert_eq!(
            got,
            Listing { total, items },
            "round {round}: {q:?} at {now}"
        );
    }
}
