//! What the catalog offers: zones, instance types, images.

pub mod describe_images;
pub mod describe_zone_instance_config_infos;
pub mod describe_zones;
