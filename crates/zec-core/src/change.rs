//! What an allowed operation changes about an instance, besides its status.

use crate::atom::Atom;
use crate::instance::Instance;
use zec_types::ApiError;

#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Only the status (start, stop, reboot, release, password reset).
    None,
    /// ModifyInstancesAttribute.
    Rename(String),
    /// ModifyInstanceType: the new type shows from the start of RESIZING.
    Resize {
        instance_type: Atom,
        cpu: u32,
        memory: u32,
    },
    /// ResetInstance: the new system shows from the start of REBUILDING.
    Reinstall(Box<Reinstall>),
    /// StartIpForward / StopIpForward.
    IpForward(bool),
    /// AddResourceResourceGroup, ModifyInstancesResourceGroup.
    ResourceGroup(Atom),
    /// ReleaseInstances: whether what is attached goes with the instance when it is purged
    /// (`dependResource`).
    Release { depend_resource: bool },
    /// zrm ModifyResourceTags: set these tags (by key), then remove these keys.
    Tags {
        replace: Vec<(String, String)>,
        delete: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reinstall {
    pub image_id: Atom,
    pub image_name: Atom,
    pub time_zone: Atom,
    pub enable_agent: bool,
    pub key_id: Option<String>,
    pub name: String,
}

impl Change {
    /// Whether the change may be made to the instance as it is: a resource carries at most
    /// 20 tags.
    pub fn check(&self, i: &Instance) -> Result<(), ApiError> {
        if let Change::Tags { .. } = self {
            let mut after = i.clone();
            self.apply(&mut after);
            crate::rules::tags::check_count(after.tags.len())?;
        }
        Ok(())
    }

    pub fn apply(&self, i: &mut Instance) {
        match self {
            Change::None => {}
            Change::Rename(name) => i.name = name.as_str().into(),
            Change::Resize {
                instance_type,
                cpu,
                memory,
            } => {
                i.instance_type = instance_type.clone();
                i.cpu = *cpu;
                i.memory = *memory;
            }
            Change::Reinstall(r) => {
                i.image_id = r.image_id.clone();
                i.image_name = r.image_name.clone();
                i.time_zone = r.time_zone.clone();
                i.enable_agent = r.enable_agent;
                i.key_id = r.key_id.as_deref().map(Box::from);
                i.name = r.name.as_str().into();
            }
            Change::IpForward(on) => i.enable_ip_forward = *on,
            Change::Release { depend_resource } => i.depend_resource = *depend_resource,
            Change::ResourceGroup(g) => i.resource_group_id = g.clone(),
            Change::Tags { replace, delete } => {
                for (k, v) in replace {
                    match i.tags.iter_mut().find(|(tk, _)| tk == k) {
                        Some(tag) => tag.1.clone_from(v),
                        None => i.tags.push((k.clone(), v.clone())),
                    }
                }
                i.tags.retain(|(k, _)| !delete.contains(k));
            }
        }
    }
}
