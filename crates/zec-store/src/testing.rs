//! Instances for tests, made the way CreateZecInstances makes them.

use std::net::Ipv4Addr;
use zec_core::create::{Allocation, plan};
use zec_core::{AccountId, Catalog, Instance, Phase};
use zec_types::model::CreateZecInstancesRequest;

/// A RUNNING instance with the given id, account and resource group.
pub fn instance(id: u64, account: AccountId, group: &str) -> Instance {
    let req = CreateZecInstancesRequest {
        zone_id: Some("asia-east-1a".into()),
        image_id: Some("ubuntu2404_20240712".into()),
        instance_type: Some("z2a.cpu.1".into()),
        subnet_id: Some("1272168087751233112".into()),
        password: Some("Passw0rd!".into()),
        ..Default::default()
    };
    let catalog = Catalog::builtin();
    let p = plan(
        &req,
        &catalog,
        &zec_core::networks::CatalogNetworks::new(&catalog),
        account,
        group,
    )
    .expect("valid request");
    let a = Allocation {
        id,
        nic_id: id + 1_000_000,
        system_disk_id: id + 2_000_000,
        data_disk_id: None,
        private_ipv4: Ipv4Addr::from(0x0a10_0000 + id as u32),
        public_ipv4: None,
    };
    let mut i = p.instantiate(0, a, 0, 0, Phase::Deploy.success());
    i.settle(0);
    i
}

/// The test database server: `ZECD_TEST_DATABASE_URL`, a PostgreSQL URL whose user may
/// create databases. `scripts/pg-up` starts one.
pub const DATABASE_URL_VAR: &str = "ZECD_TEST_DATABASE_URL";

/// A database of its own for one test, dropped afterwards.
pub struct TestDatabase {
    pub url: String,
    admin_url: String,
    name: String,
}

impl TestDatabase {
    /// `None` when no server is configured, unless `ZECD_REQUIRE_POSTGRES` is set (as
    /// `scripts/test` does), in which case a missing server fails the test.
    pub fn create() -> Option<Self> {
        let Ok(admin_url) = std::env::var(DATABASE_URL_VAR) else {
            if std::env::var_os("ZECD_REQUIRE_POSTGRES").is_some() {
                panic!("{DATABASE_URL_VAR} is not set, and ZECD_REQUIRE_POSTGRES is");
            }
            eprintln!("skipped on PostgreSQL: {DATABASE_URL_VAR} is not set");
            return None;
        };
        let name = format!(
            "zecd_test_{}",
            crate::admin::new_uuid().replace('-', "")[..16].to_owned()
        );
        off_runtime(|| {
            let mut c = postgres::Client::connect(&admin_url, postgres::NoTls)
                .expect("connect to the test database server");
            c.batch_execute(&format!("CREATE DATABASE {name}"))
                .expect("create a test database");
        });
        Some(Self {
            url: with_database(&admin_url, &name),
            admin_url,
            name,
        })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        off_runtime(|| {
            if let Ok(mut c) = postgres::Client::connect(&self.admin_url, postgres::NoTls) {
                let _ = c.batch_execute(&format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                ));
            }
        });
    }
}

/// The PostgreSQL client must not run on an async runtime's thread.
fn off_runtime(f: impl FnOnce() + Send) {
    std::thread::scope(|s| {
        s.spawn(f).join().expect("database work panicked");
    });
}

/// `url` with its database name replaced.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(i) => &base[..after_scheme + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

#[test]
fn database_names_replace_the_urls() {
    assert_eq!(
        with_database("postgres://u@h:5/db?sslmode=disable", "x"),
        "postgres://u@h:5/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://u@h:5", "x"), "postgres://u@h:5/x");
}
