//! Journeys that end at a client: invitations that name one, a deployment's
//! default clients, and a new account followed to where it arrives.

use careid::audit::Origin;
use careid::onboarding::deployments::{self, DeploymentSpec};
use careid::onboarding::invitations::{self, Inviter, NewInvite};
use careid::people::{Email, Role};
use serde_json::Value;

use crate::kit::app::TestApp;
use crate::kit::browser::{Browser, Visit};

impl TestApp {
    /// The operator invites `email` as `role` to the default deployment,
    /// leading to `client` (`None`: the deployment's default); the link.
    pub async fn invite_to(&self, role: Role, email: &str, client: Option<&str>) -> String {
        let new = NewInvite {
            role,
            deployment_id: "default".into(),
            email: Some(Email::parse(email).unwrap()),
            locale: None,
            client: client.map(str::to_owned),
        };
        let (_, token) =
            invitations::issue(&self.state, &Inviter::Operator, new, &Origin::default()).await.unwrap();
        invitations::link(&self.state, &token)
    }

    /// Changes the default deployment's policy by `change` (fields of a `DeploymentSpec`).
    pub async fn change_default_deployment(&self, change: Value) {
        let d = self.state.store.deployment("default").await.unwrap().unwrap();
        let mut spec = serde_json::to_value(DeploymentSpec::from(&d)).unwrap();
        spec.as_object_mut().unwrap().extend(change.as_object().unwrap().clone());
        let spec: DeploymentSpec = serde_json::from_value(spec).unwrap();
        deployments::save(&self.state.store, spec, self.clock.now()).await.unwrap();
    }
}

impl Browser {
    /// From where a staff sign-up leads (the "Add your mobile number" page):
    /// the number, the code, past the recovery codes; where the journey ends.
    pub async fn set_up_two_steps(&self, after_sign_up: reqwest::Response) -> Visit {
        let (status, at, page) = self.follow(after_sign_up).await.page();
        assert_eq!(status, 200, "{page}");
        let page = self.on_to_code_page(&at, page).await;
        self.pass_code_page(&page).await
    }
}
