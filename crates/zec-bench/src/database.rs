//! A scratch PostgreSQL database for one benchmark run.

use anyhow::{Context, Result};

pub struct Scratch {
    server: String,
    name: String,
    pub url: String,
}

impl Scratch {
    pub fn create(server: &str) -> Result<Self> {
        let name = format!("zecd_bench_{}", std::process::id());
        let (base, query) = server
            .split_once('?')
            .map_or((server, None), |(b, q)| (b, Some(q)));
        let base = match base.find("://").map(|i| i + 3) {
            Some(at) => match base[at..].find('/') {
                Some(slash) => &base[..at + slash],
                None => base,
            },
            None => base,
        };
        let url = match query {
            Some(q) => format!("{base}/{name}?{q}"),
            None => format!("{base}/{name}"),
        };
        let db = Self {
            server: server.to_owned(),
            name,
            url,
        };
        db.sql(&format!(
            "DROP DATABASE IF EXISTS {0}; CREATE DATABASE {0}",
            db.name
        ))?;
        Ok(db)
    }

    fn sql(&self, sql: &str) -> Result<()> {
        let mut c = postgres::Client::connect(&self.server, postgres::NoTls)
            .with_context(|| "cannot connect to the database server")?;
        for statement in sql.split(';') {
            c.batch_execute(statement)?;
        }
        Ok(())
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Err(e) = self.sql(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        )) {
            eprintln!("could not drop the benchmark's database {}: {e}", self.name);
        }
    }
}
