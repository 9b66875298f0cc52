//! Creates two instances and waits until they run.
//!
//! ```sh
//! ZENLAYERCLOUD_DOMAIN=127.0.0.1:8080 ZENLAYERCLOUD_SCHEME=http \
//! ZENLAYERCLOUD_ACCESS_KEY_ID=... ZENLAYERCLOUD_ACCESS_KEY_PASSWORD=... \
//!   cargo run -p zec-sdk --example create_and_wait
//! ```

use zec_sdk::model::CreateZecInstancesRequest;
use zec_sdk::{Client, Wait};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let created = client
        .create_zec_instances(&CreateZecInstancesRequest {
            zone_id: Some("asia-east-1a".into()),
            image_id: Some("ubuntu2404_20240712".into()),
            instance_type: Some("z2a.cpu.1".into()),
            subnet_id: Some("1272168087751233112".into()),
            password: Some("Passw0rd!".into()),
            instance_count: Some(2),
            instance_name: Some("example-[1,1]".into()),
            ..Default::default()
        })
        .await?;
    println!(
        "created {:?} (request {})",
        created.instance_id_set, created.request_id
    );
    let statuses = client
        .wait_instances(&created.instance_id_set, &Wait::until("RUNNING"), |now| {
            eprintln!("{now:?}");
        })
        .await?;
    println!("{statuses:?}");
    Ok(())
}
