//! zecd's admin API (`POST /_zecd/api`, root credential only): the lifecycle clock and the
//! fault rules, the state (export, import, reset of an account). Not the vendor's.

pub mod advance_clock;
pub mod create_access_key;
pub mod create_account;
pub mod create_faults;
pub mod delete_faults;
pub mod describe_accounts;
pub mod describe_clock;
pub mod describe_faults;
pub mod describe_guest_console;
pub mod describe_guests;
pub mod export_state;
pub mod import_state;
pub mod reset_account;

use crate::App;
use zec_core::clock::format_api_time;
use zec_types::model::ClockInfo;
use zec_types::{Action, Service};

/// The lifecycle clock as DescribeClock and AdvanceClock show it.
fn clock_info(app: &App) -> ClockInfo {
    let now = app.store.now();
    ClockInfo {
        mode: if app.manual_clock.is_some() {
            "manual"
        } else {
            "system"
        }
        .into(),
        now: format_api_time(now),
        now_millis: now,
    }
}

/// The account a request names in `field` (trimmed; required), by name.
fn account_named(
    app: &App,
    field: &str,
    name: &Option<String>,
) -> Result<zec_core::AccountId, zec_types::ApiError> {
    let name = name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| zec_types::ApiError::missing(field))?;
    app.store
        .directory()
        .accounts()
        .find(|a| a.name == name)
        .map(|a| a.id)
        .ok_or_else(|| {
            zec_types::ApiError::new(
                zec_types::ErrorCode::InvalidParameterValue,
                format!(
                    "There is no account named `{}`.",
                    zec_types::error::echo(name)
                ),
            )
        })
}

/// Whether fault rules can name this action: any action of the vendor's services.
pub fn known_action(name: &str) -> bool {
    Action::ALL
        .iter()
        .any(|a| a.name() == name && a.service() != Service::Admin)
}
