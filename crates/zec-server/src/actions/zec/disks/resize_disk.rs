//! ResizeDisk: grows an AVAILABLE or IN_USE disk (to at most 32768 GiB): CHANGING, then the
//! status it had; the new size shows at once.

use crate::actions::allowed_groups;
use crate::request::{Reply, VerifiedRequest};
use crate::{App, store_error};
use zec_core::params::{at_most, required};
use zec_core::rules::storage;
use zec_types::ApiError;
use zec_types::model::{Empty, ResizeDiskRequest};

pub async fn handle(
    app: &App,
    req: &VerifiedRequest,
    r: ResizeDiskRequest,
) -> Result<Reply<Empty>, ApiError> {
    let id = required("diskId", &r.disk_id)?.to_owned();
    let size = r.disk_size.ok_or_else(|| ApiError::missing("diskSize"))?;
    at_most("diskSize", size, storage::MAX_DISK_GIB)?;
    let size = u32::try_from(size.max(0)).unwrap_or(0);
    app.store
        .resize_disk(req.caller.account, id, size, allowed_groups(req))
        .await
        .map_err(store_error)?;
    Ok(Reply::Json(Empty {}))
}
