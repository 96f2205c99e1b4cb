//! What a person must present at a client, and why: the one answer sign-in's
//! ladder, the password rule, `careid policy explain` and the admin API read.
//! It weighs the person's role and deployment, the client (roles, deployments,
//! `min_acr`, `require_terms`), the person's own settings (two-step on,
//! passkeys) and the request's `acr_values` / essential `acr` claim.

use serde::Serialize;

use super::acr::Level;
use crate::Services;
use crate::clients::Client;
use crate::oidc::authorize::request::AuthorizationRequest;
use crate::people::password_policy::{self, Refusal};
use crate::people::{Role, User};
use crate::store::{Deployment, StoreError};

/// How recent a proof must be to add or change a factor.
pub const FRESH_SECS: i64 = 600;

/// Whether a factor proven at `at` is fresh at `now`.
pub fn is_fresh(at: i64, now: i64) -> bool {
    now - at <= FRESH_SECS
}

/// What a sign-in at its current level still needs for a second factor.
pub enum Needed {
    /// The session's level is enough.
    Enough,
    /// The session must add a second factor first (step-up).
    SecondFactor,
    /// Only a passkey will do (the phishing-resistant level), and the person has one.
    Passkey,
    /// A required `acr` careid cannot give this person (phishing-resistant without a passkey).
    Unmet,
}

/// The question: who, at which client, with what the request says about `acr`.
pub struct Ask<'a> {
    pub user: &'a User,
    pub client: &'a Client,
    /// The request's `acr_values`: voluntary, values careid does not know are ignored.
    pub acr_values: &'a [String],
    /// The values of an essential `acr` claim (OIDC Core §5.5.1.1), if the request has one.
    pub essential_acr: Option<Vec<String>>,
}

impl<'a> Ask<'a> {
    /// The question an authorization request asks for `user` at `client`.
    pub fn of(request: &'a AuthorizationRequest, user: &'a User, client: &'a Client) -> Ask<'a> {
        Ask { user, client, acr_values: &request.acr_values, essential_acr: essential_acr(request) }
    }
}

/// The answer, each part with the reasons that led to it.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    /// The client admits the person's role.
    pub role_admitted: bool,
    /// The client serves the person's deployment.
    pub deployment_admitted: bool,
    /// The weakest level (`acr`) a sign-in must reach.
    pub level: Level,
    /// The request prefers a passkey (its `acr_values` name only the phishing-resistant level).
    pub prefer_passkey: bool,
    /// The person has a passkey (and this server has passkeys).
    pub has_passkey: bool,
    /// Sign-in stops for the person to register a passkey first.
    pub passkey_enrolment: bool,
    /// The shortest password the account may have.
    pub password: PasswordRule,
    /// The client asks for the deployment's current terms before returning.
    pub terms: bool,
    /// One line each, in the order above.
    pub reasons: Vec<Reason>,
}

/// One reason: `topic: verdict — because`.
#[derive(Debug, Clone, Serialize)]
pub struct Reason {
    /// `role`, `deployment`, `second factor`, `passkey`, `password` or `terms`.
    pub topic: &'static str,
    pub verdict: String,
    pub because: String,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} — {}", self.topic, self.verdict, self.because)
    }
}

/// The password rule of an account (NIST SP 800-63B-4 §3.1.1.2): 15
/// characters where the password may be the only factor, 8 where a second
/// factor is always required.
#[derive(Debug, Clone, Serialize)]
pub struct PasswordRule {
    pub min_chars: usize,
    /// A second factor always joins the password.
    pub second_factor: bool,
    pub because: String,
}

impl PasswordRule {
    /// Checks a normalised password; `user_inputs` are the person's names and
    /// email address and the deployment's name.
    pub fn check(&self, password: &str, user_inputs: &[&str]) -> Result<(), Refusal> {
        password_policy::check(password, self.second_factor, user_inputs)
    }
}

impl Answer {
    /// Whether the client admits the person at all.
    pub fn admitted(&self) -> bool {
        self.role_admitted && self.deployment_admitted
    }

    /// What a sign-in that has reached `level` still needs.
    pub fn needed(&self, level: Level) -> Needed {
        // Required phishing resistance never settles for less: SMS cannot reach it.
        if self.level == Level::PhishingResistant {
            return match (level == Level::PhishingResistant, self.has_passkey) {
                (true, _) => Needed::Enough,
                (false, true) => Needed::Passkey,
                (false, false) => Needed::Unmet,
            };
        }
        if self.prefer_passkey && level != Level::PhishingResistant && self.has_passkey {
            return Needed::Passkey;
        }
        if self.level.is_multi_factor() && !level.is_multi_factor() {
            Needed::SecondFactor
        } else {
            Needed::Enough
        }
    }
}

/// The reasons of an answer, in the order they are found.
struct Reasons(Vec<Reason>);

impl Reasons {
    fn say(&mut self, topic: &'static str, verdict: &str, because: String) {
        self.0.push(Reason { topic, verdict: verdict.to_string(), because });
    }
}

/// The one answer to "what must this person present at this client".
pub async fn answer(state: &Services, ask: &Ask<'_>) -> Result<Answer, StoreError> {
    let (user, client) = (ask.user, ask.client);
    let deployment = state.store.deployment(&user.deployment_id).await?;
    let mut reasons = Reasons(Vec::new());
    let (role_admitted, deployment_admitted) = admission(&mut reasons, client, user);
    let (level, prefer_passkey) = level(&mut reasons, state, ask, deployment.as_ref());
    let has_passkey = has_passkey(state, user).await?;
    let because = match (has_passkey, level) {
        (true, Level::Password) => "the person has a passkey and may sign in with it",
        (true, _) => "the person has a passkey: it answers the second factor",
        (false, Level::PhishingResistant) => {
            "the person has none, so this client refuses the sign-in (unmet_authentication_requirements)"
        }
        (false, Level::Mfa) if user.verified_phone().is_some() => {
            "the second factor is a code by SMS to the verified number"
        }
        (false, Level::Mfa) => "the person enrols a phone number at sign-in for the second factor",
        (false, Level::Password) => "the person has no passkey",
    };
    reasons.say("passkey", if has_passkey { "registered" } else { "none" }, because.into());
    let passkey_enrolment = passkey_enrolment_needed(state, user).await?;
    if passkey_enrolment {
        let because =
            format!("deployment {} has passkey_required and the person has none", user.deployment_id);
        reasons.say("passkey", "must be registered at sign-in", because);
    }
    let password = password_rule(state, user.role(), deployment.as_ref());
    reasons.say("password", &format!("at least {} characters", password.min_chars), password.because.clone());
    let terms = client.require_terms;
    if terms {
        let because = format!("client {} has require_terms: the deployment's current terms first", client.id);
        reasons.say("terms", "asked", because);
    }
    Ok(Answer {
        role_admitted,
        deployment_admitted,
        level,
        prefer_passkey,
        has_passkey,
        passkey_enrolment,
        password,
        terms,
        reasons: reasons.0,
    })
}

/// Whether `client` admits `user`'s role and deployment, each with its reason.
fn admission(reasons: &mut Reasons, client: &Client, user: &User) -> (bool, bool) {
    let id = &client.id;
    let role_admitted = user.role().is_some_and(|role| client.allows_role(role));
    let roles = client.allowed_roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ");
    match (client.allowed_roles.is_empty(), role_admitted) {
        (true, _) => reasons.say("role", "admitted", format!("client {id} admits every role")),
        (false, true) => reasons.say("role", "admitted", format!("client {id} admits {roles}")),
        (false, false) => {
            reasons.say("role", "refused", format!("client {id} admits only {roles}, not {}", user.role))
        }
    }
    let deployment_admitted = client.serves(&user.deployment_id);
    let served = client.deployments.join(", ");
    let because = match (client.deployments.is_empty(), deployment_admitted) {
        (true, _) => format!("client {id} serves every deployment"),
        (false, true) => format!("client {id} serves deployment {served}"),
        (false, false) => format!("client {id} serves only {served}, not {}", user.deployment_id),
    };
    reasons.say("deployment", if deployment_admitted { "admitted" } else { "refused" }, because);
    (role_admitted, deployment_admitted)
}

/// The weakest level a sign-in must reach, every rule that raises it giving
/// its reason, and whether the request prefers a passkey.
fn level(
    reasons: &mut Reasons,
    state: &Services,
    ask: &Ask<'_>,
    deployment: Option<&Deployment>,
) -> (Level, bool) {
    let (user, client) = (ask.user, ask.client);
    let mut level = Level::Password;
    let mut raise = |to: Level, topic, because: String| {
        level = level.max(to);
        reasons.say(topic, "required", because);
    };
    if let Some(role) = user.role() {
        for because in role_rules(state, role, deployment) {
            raise(Level::Mfa, "second factor", because);
        }
    }
    if user.two_step_enabled {
        raise(Level::Mfa, "second factor", "the person turned two-step verification on".into());
    }
    if let Some(min) = client.min_acr.as_deref().and_then(Level::parse).filter(|l| l.is_multi_factor()) {
        let topic = if min == Level::PhishingResistant { "passkey" } else { "second factor" };
        raise(min, topic, format!("client {} has min_acr {min}", client.id));
    }
    let known = |values: &[String]| values.iter().filter_map(|v| Level::parse(v)).collect::<Vec<_>>();
    let only_passkey =
        |levels: &[Level]| !levels.is_empty() && levels.iter().all(|l| *l == Level::PhishingResistant);
    // acr_values list acceptable levels: among those careid knows, without the
    // password level only two factors will do.
    let asks_two = |levels: &[Level]| !levels.is_empty() && !levels.contains(&Level::Password);
    let voluntary = known(ask.acr_values);
    if asks_two(&voluntary) {
        raise(Level::Mfa, "second factor", format!("acr_values ask for {}", ask.acr_values.join(" ")));
    }
    if let Some(essential) = &ask.essential_acr {
        let levels = known(essential);
        // An essential acr whose every value is phishing-resistant is a requirement
        // no SMS code meets.
        if only_passkey(&levels) && essential.len() == levels.len() {
            let because = "the request's acr claim is essential and phishing-resistant".into();
            raise(Level::PhishingResistant, "passkey", because);
        } else if asks_two(&levels) {
            let because = format!("the request's acr claim is essential: {}", essential.join(" "));
            raise(Level::Mfa, "second factor", because);
        }
    }
    let prefer_passkey = only_passkey(&voluntary) && level != Level::PhishingResistant;
    if level == Level::Password {
        let because = "no role, deployment, client, setting of the person's or request asks for one";
        reasons.say("second factor", "not required", because.into());
    }
    if prefer_passkey {
        reasons.say("passkey", "preferred", "acr_values ask only for the phishing-resistant level".into());
    }
    (level, prefer_passkey)
}

/// What a sign-in to `client` at `level` still needs: [`answer`] for the request.
pub async fn check(
    state: &Services,
    client: &Client,
    request: &AuthorizationRequest,
    user: &User,
    level: Level,
) -> Result<Needed, StoreError> {
    Ok(answer(state, &Ask::of(request, user, client)).await?.needed(level))
}

/// The one rule for "this role in this deployment always signs in with two
/// factors", as its reasons: the role is in `mfa.required_roles`, the
/// deployment has `mfa_required`. Empty: neither.
fn role_rules(state: &Services, role: Role, deployment: Option<&Deployment>) -> Vec<String> {
    let mut rules = Vec::new();
    if state.config.mfa.required_roles.contains(&role) {
        rules.push(format!("role {role} is in mfa.required_roles"));
    }
    if let Some(d) = deployment.filter(|d| d.mfa_required) {
        rules.push(format!("deployment {} has mfa_required", d.id));
    }
    rules
}

/// The password rule of an account of `role` in `deployment` (an unknown
/// role has no second factor). The person's own two-step setting does not
/// count: they may turn it off.
pub fn password_rule(state: &Services, role: Option<Role>, deployment: Option<&Deployment>) -> PasswordRule {
    let rules = role.map(|role| role_rules(state, role, deployment)).unwrap_or_default();
    let second_factor = !rules.is_empty();
    let because = if second_factor {
        format!("a second factor is always required: {}", rules.join("; "))
    } else {
        let role = role.map_or("unknown", |r| r.as_str());
        let deployment = deployment.map_or("unknown", |d| d.id.as_str());
        format!(
            "a password may be the only factor: neither role {role} (mfa.required_roles) nor \
             deployment {deployment} (mfa_required) requires a second one"
        )
    };
    PasswordRule { min_chars: password_policy::min_chars(second_factor), second_factor, because }
}

/// Whether `user` must use a second factor whatever the request says.
pub async fn user_requires(state: &Services, user: &User) -> Result<bool, StoreError> {
    Ok(user.two_step_enabled || policy_requires(state, user).await?)
}

/// Whether the role or deployment requires two steps (so the person cannot turn them off).
pub async fn policy_requires(state: &Services, user: &User) -> Result<bool, StoreError> {
    let deployment = state.store.deployment(&user.deployment_id).await?;
    Ok(user.role().is_some_and(|role| !role_rules(state, role, deployment.as_ref()).is_empty()))
}

/// Whether a session at `level` meets every requirement of `user`'s account
/// as it stands now: two factors where the person, their role or their
/// deployment asks for them, and a passkey where the deployment requires one.
/// Until it does, the session is good for nothing but finishing the sign-in.
pub async fn account_requirements_met(
    state: &Services,
    user: &User,
    level: Level,
) -> Result<bool, StoreError> {
    if user_requires(state, user).await? && !level.is_multi_factor() {
        return Ok(false);
    }
    Ok(!passkey_enrolment_needed(state, user).await?)
}

/// Whether `user` can confirm with a passkey (this server has passkeys and they have one).
pub async fn has_passkey(state: &Services, user: &User) -> Result<bool, StoreError> {
    Ok(state.passkeys.is_some() && state.store.passkey_count(&user.id).await? > 0)
}

/// Whether sign-in must stop for `user` to register a passkey: their deployment
/// requires one and they have none.
pub async fn passkey_enrolment_needed(state: &Services, user: &User) -> Result<bool, StoreError> {
    if state.passkeys.is_none() {
        return Ok(false);
    }
    let required = state.store.deployment(&user.deployment_id).await?.is_some_and(|d| d.passkey_required);
    Ok(required && state.store.passkey_count(&user.id).await? == 0)
}

/// The values of an essential `acr` claim (OIDC Core §5.5.1.1), if the request has one.
fn essential_acr(request: &AuthorizationRequest) -> Option<Vec<String>> {
    let acr = request.claims.as_ref()?.get("id_token")?.get("acr")?;
    if acr.get("essential").and_then(|e| e.as_bool()) != Some(true) {
        return None;
    }
    let values = match (acr.get("values"), acr.get("value")) {
        (Some(v), _) => v.as_array()?.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
        (None, Some(v)) => vec![v.as_str()?.to_owned()],
        (None, None) => return None,
    };
    Some(values)
}
