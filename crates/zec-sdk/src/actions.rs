//! One typed method per action zecd serves, made from the action table
//! (`zec_types::for_each_action!`): the same list the server is dispatched from, so that every
//! action served is here, with its request and response types.

use crate::{Client, Error, Response};
use zec_types::{Action, Service};

/// The zec API version this client speaks.
pub const ZEC_VERSION: &str = "2025-09-01";
/// The older zec version, for the actions only it has.
pub const ZEC_VERSION_2024: &str = "2024-04-01";
/// The `user` API version this client speaks.
pub const USER_VERSION: &str = "2024-05-29";
/// The `zrm` API version this client speaks.
pub const ZRM_VERSION: &str = "2025-10-14";

impl Client {
    /// Calls an action of the table with its typed request, at its path and version.
    pub async fn call_action<Req, Resp>(
        &self,
        action: Action,
        request: &Req,
    ) -> Result<Response<Resp>, Error>
    where
        Req: serde::Serialize + ?Sized,
        Resp: serde::de::DeserializeOwned,
    {
        match action.service() {
            Service::Admin => self.call_admin(action.name(), request).await,
            service => {
                self.call(service.as_str(), action.version(), action.name(), request)
                    .await
            }
        }
    }
}

macro_rules! methods {
    ($($service:ident {
        $(
            $(#[doc = $doc:literal])*
            $action:ident => $method:ident, $access:ident, $req:ty => $resp:ty,
                required [$($required:literal),*], version $version:literal;
        )*
    })*) => {
        impl Client {
            $($(
                $(#[doc = $doc])*
                #[doc = concat!(
                    "\n\n`", stringify!($service), "` action `", stringify!($action),
                    "`, version `", $version, "`."
                )]
                pub async fn $method(&self, request: &$req) -> Result<Response<$resp>, Error> {
                    self.call_action(Action::$action, request).await
                }
            )*)*
        }
    };
}

zec_types::for_each_action!(methods);
