//! The ceiling: the least an HTTP endpoint on this stack can do, a fixed body of the size
//! zecd answers with, served the way zecd serves (tokio multi-thread, axum, HTTP/1.1).

use anyhow::Result;
use axum::Router;
use axum::http::header;
use axum::routing::post;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

pub async fn serve(listen: &str, size: usize) -> Result<()> {
    let body: &'static [u8] = Box::leak(vec![b'x'; size].into_boxed_slice());
    let app = Router::new().route(
        "/api/v2/zec",
        post(move || async move { ([(header::CONTENT_TYPE, "application/json")], body) }),
    );
    let listener = tokio::net::TcpListener::bind(listen).await?;
    println!("listening on {}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

/// The ceiling in its own process, as zecd is.
pub struct Ceiling {
    child: Child,
    pub addr: String,
}

pub fn spawn(size: usize) -> Result<Ceiling> {
    let mut child = crate::pinned(std::env::current_exe()?, true)
        .args([
            "ceiling",
            "--listen",
            "127.0.0.1:0",
            "--size",
            &size.to_string(),
        ])
        .stdout(Stdio::piped())
        .spawn()?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line)?;
    let addr = line.trim().trim_start_matches("listening on ").to_owned();
    Ok(Ceiling { child, addr })
}

impl Drop for Ceiling {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
