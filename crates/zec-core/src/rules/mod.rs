//! Every vendor denial and field rule, written once: what "not found" says for each kind of
//! resource, what a credential's scope refuses, the rules of names, tags and logins. The
//! server's actions and the store's writer both answer from here, so a rule and its message
//! cannot drift apart.

pub mod eip;
pub mod found;
pub mod groups;
pub mod login;
pub mod names;
pub mod network;
pub mod nic;
pub mod scope;
pub mod storage;
pub mod tags;
