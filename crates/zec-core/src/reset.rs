//! ResetInstance: checks a reinstall against the catalog and the instance.

use crate::atom::Atom;
use crate::catalog::Catalog;
use crate::change::Reinstall;
use crate::create::{MAX_USER_DATA, check_instance_name, check_login, check_time_zone};
use crate::instance::Instance;
use crate::networks::Networks;
use zec_types::model::ResetInstanceRequest;
use zec_types::{ApiError, ErrorCode};

/// The reinstall a request asks for.
pub fn plan(
    req: &ResetInstanceRequest,
    catalog: &Catalog,
    networks: &dyn Networks,
    instance: &Instance,
) -> Result<Reinstall, ApiError> {
    let image_id = req
        .image_id
        .as_deref()
        .filter(|s| !s.is_empty())
        .unwrap_or(&instance.image_id);
    let image = catalog
        .image(image_id)
        .filter(|i| i.offered_in(&instance.zone_id))
        .ok_or_else(|| crate::rules::found::image_in_zone(image_id, &instance.zone_id))?;
    if let Some(old) = catalog.image(&instance.image_id)
        && old.os_type != image.os_type
    {
        return Err(ApiError::new(
            ErrorCode::InvalidParameterValue,
            format!(
                "A {} instance cannot be reinstalled with the {} image `{image_id}`.",
                old.os_type, image.os_type
            ),
        ));
    }
    if image.min_disk_size > instance.system_disk.size {
        return Err(ApiError::new(
            ErrorCode::InvalidImageSizeExceed,
            format!(
                "The image `{image_id}` needs a system disk of {} GiB; this one has {} GiB.",
                image.min_disk_size, instance.system_disk.size
            ),
        ));
    }
    check_login(req.password.as_deref(), req.key_id.as_deref(), image.login)?;
    if let Some(key) = req.key_id.as_deref().filter(|k| !k.is_empty())
        && !networks.key_pair_exists(key)
    {
        return Err(crate::rules::found::key_pair(key));
    }
    let time_zone = match req.timezone.as_deref().filter(|s| !s.is_empty()) {
        None => instance.time_zone.clone(),
        Some(tz) => Atom::new(check_time_zone(tz)?),
    };
    let enable_agent = match req.enable_agent {
        Some(true) if !image.agent => {
            return Err(ApiError::new(
                ErrorCode::InvalidImageAgentNotSupport,
                format!("The image `{image_id}` cannot run the guest agent."),
            ));
        }
        Some(v) => v,
        None => image.agent && instance.enable_agent,
    };
    let name = match req.instance_name.as_deref().filter(|s| !s.is_empty()) {
        None => instance.name.to_string(),
        Some(n) => {
            check_instance_name(n)?;
            n.to_owned()
        }
    };
    if req
        .user_data
        .as_ref()
        .is_some_and(|d| d.len() > MAX_USER_DATA)
    {
        return Err(ApiError::new(
            ErrorCode::InvalidUserDataExceed,
            format!("`userData` may be at most {MAX_USER_DATA} bytes."),
        ));
    }
    Ok(Reinstall {
        image_id: Atom::new(&image.id),
        image_name: Atom::new(&image.name),
        time_zone,
        enable_agent,
        key_id: req.key_id.clone().filter(|k| !k.is_empty()),
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::create::{Allocation, plan as create};
    use crate::lifecycle::Phase;
    use crate::networks::nets;
    use std::net::Ipv4Addr;
    use zec_types::model::CreateZecInstancesRequest;

    fn instance() -> Instance {
        let req = CreateZecInstancesRequest {
            zone_id: Some("asia-east-1a".into()),
            image_id: Some("ubuntu2404_20240712".into()),
            instance_type: Some("z2a.cpu.1".into()),
            subnet_id: Some("1272168087751233112".into()),
            password: Some("Passw0rd!".into()),
            instance_name: Some("web".into()),
            ..Default::default()
        };
        let p = create(&req, &Catalog::builtin(), &nets(), 1, "rg").unwrap();
        let a = Allocation {
            id: 1,
            nic_id: 2,
            system_disk_id: 3,
            data_disk_id: None,
            private_ipv4: Ipv4Addr::new(10, 16, 0, 2),
            public_ipv4: None,
        };
        p.instantiate(0, a, 0, 0, Phase::Deploy.success())
    }

    fn req() -> ResetInstanceRequest {
        ResetInstanceRequest {
            instance_id: Some("1".into()),
            password: Some("Passw0rd!".into()),
            ..Default::default()
        }
    }

    fn code(r: &ResetInstanceRequest) -> ErrorCode {
        plan(r, &Catalog::builtin(), &nets(), &instance())
            .unwrap_err()
            .code
    }

    #[test]
    fn a_reset_keeps_what_it_is_not_told_to_change() {
        let r = plan(&req(), &Catalog::builtin(), &nets(), &instance()).unwrap();
        assert_eq!(r.image_id, "ubuntu2404_20240712");
        assert_eq!(r.name, "web");
        assert_eq!(r.time_zone, "Asia/Shanghai");
        assert!(r.enable_agent);
        let mut other = req();
        other.image_id = Some("debian12_20251225".into());
        other.timezone = Some("UTC".into());
        other.instance_name = Some("db".into());
        let r = plan(&other, &Catalog::builtin(), &nets(), &instance()).unwrap();
        assert_eq!(
            (r.image_name.as_str(), r.name.as_str(), r.time_zone.as_str()),
            ("Debian 12", "db", "UTC")
        );
    }

    #[test]
    fn bad_resets_name_their_reason() {
        let mut r = req();
        r.image_id = Some("image-xxxxxxxxx".into());
        assert_eq!(code(&r), ErrorCode::InvalidImageNotFound);
        r.image_id = Some("windows2022_20250301".into());
        assert_eq!(
            code(&r),
            ErrorCode::InvalidParameterValue,
            "linux to windows"
        );
        let mut r = req();
        r.password = Some("weak".into());
        assert_eq!(code(&r), ErrorCode::InvalidPasswordMalformed);
        r.password = None;
        assert_eq!(code(&r), ErrorCode::InvalidPasswordKeyPairMissing);
        r.key_id = Some("key-rcfljdP5".into());
        r.password = Some("Passw0rd!".into());
        assert_eq!(code(&r), ErrorCode::InvalidLoginSettingConflict);
        let mut r = req();
        r.image_id = Some("freebsd141_20250610".into());
        r.enable_agent = Some(true);
        assert_eq!(code(&r), ErrorCode::InvalidParameterValue, "linux to bsd");
        let mut r = req();
        r.instance_name = Some("-bad".into());
        assert_eq!(code(&r), ErrorCode::InvalidInstanceNameMalformed);
    }
}
