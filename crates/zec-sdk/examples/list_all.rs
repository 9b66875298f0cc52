//! Lists every instance of the account, page after page, as a stream.
//!
//! ```sh
//! ZENLAYERCLOUD_DOMAIN=127.0.0.1:8080 ZENLAYERCLOUD_SCHEME=http \
//! ZENLAYERCLOUD_ACCESS_KEY_ID=... ZENLAYERCLOUD_ACCESS_KEY_PASSWORD=... \
//!   cargo run -p zec-sdk --example list_all
//! ```

use futures_util::StreamExt;
use zec_sdk::Client;
use zec_sdk::model::DescribeInstancesRequest;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let mut instances = std::pin::pin!(client.paginate(DescribeInstancesRequest::default()));
    while let Some(instance) = instances.next().await {
        let i = instance?;
        println!(
            "{}\t{}\t{}\t{}",
            i.instance_id, i.instance_name, i.zone_id, i.status
        );
    }
    Ok(())
}
