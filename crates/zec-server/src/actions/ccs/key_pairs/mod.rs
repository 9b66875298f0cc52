//! Key pairs: SSH public keys an account imports and names its instances' logins by.

pub mod delete_key_pairs;
pub mod describe_key_pairs;
pub mod import_key_pair;
pub mod modify_key_pair_attribute;
