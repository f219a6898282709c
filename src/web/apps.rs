//! Apps and Integrations (`/apps`) and the Justworks app's page: install, settings,
//! uninstall. Technical Owner or above for every route here.

use crate::apps::{self, CATALOG, justworks};
use crate::audit::{self, Actor};
use crate::auth::users::{self, User};
use crate::justworks::{Authenticator, ClientOptions, Credentials, JustworksClient};
use crate::link_base;
use crate::mail;
use crate::org::visibility::Sensitive;
use crate::state::AppState;
use crate::sync::connector::{Connector, ConnectorError, JustworksConnector};
use crate::sync::{runs, scheduler};
use crate::web::error::{AppError, AppResult};
use crate::web::extract::{CurrentUser, RequireTechnicalOwner};
use crate::web::form::{Form, RepeatedForm};
use crate::web::page::{Chrome, flash, render, render_with};
use crate::web::syncs::RunView;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/apps", get(apps_page))
        .route("/apps/justworks", get(justworks_page))
        .route("/apps/justworks/install", post(install))
        .route("/apps/justworks/uninstall", post(uninstall))
        .route("/apps/justworks/settings", post(save_settings))
        .route("/apps/justworks/test", post(test_connection))
        .route("/apps/justworks/test-email", post(send_test_email))
}

/// One row of the Apps and Integrations table.
struct AppRow {
    info: &'static apps::AppInfo,
    installed: bool,
    configured: bool,
    run_daily: bool,
    /// "Thu 27 Nov 2026 06:00 (America/New_York)" while Run Daily is on.
    next_sync: Option<String>,
    last_sync: Option<RunView>,
    health: Option<HealthView>,
}

/// The connection's health as one line: its state, since when, the last success.
struct HealthView {
    ok: bool,
    label: &'static str,
    detail: String,
}

impl HealthView {
    fn of(health: &justworks::health::Health) -> Self {
        let mut parts = Vec::new();
        if let Some(since) = health.since {
            parts.push(format!("since {}", crate::web::format_time(since)));
        }
        parts.push(match health.last_success {
            Some(at) => format!("last successful sync {}", crate::web::format_time(at)),
            None => "no successful sync yet".into(),
        });
        Self {
            ok: health.is_ok(),
            label: health.label(),
            detail: parts.join(" · "),
        }
    }
}

/// The health line of the installed Justworks app.
async fn health_of(state: &AppState, config: &justworks::Config) -> AppResult<HealthView> {
    Ok(HealthView::of(
        &justworks::health::of(&state.db, config).await?,
    ))
}

#[derive(Template)]
#[template(path = "apps.html")]
struct AppsPage {
    chrome: Chrome,
    rows: Vec<AppRow>,
}

async fn apps_page(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
) -> AppResult<Response> {
    let installed = apps::all_installed(&state.db).await?;
    let mut rows = Vec::new();
    for info in CATALOG {
        let install = installed.iter().find(|i| i.app == info.key);
        rows.push(AppRow {
            info,
            installed: install.is_some(),
            configured: install.is_some_and(|i| i.settings.is_some()),
            run_daily: install.is_some_and(|i| i.run_daily != 0),
            next_sync: scheduler::app_schedule(&state, info.key)
                .await?
                .and_then(|s| s.next)
                .map(|n| n.to_string()),
            last_sync: last_sync(&state, info.key, &user).await?,
            health: match install {
                Some(install) if info.key == justworks::APP => {
                    let config = justworks::load(&state.db, install).await?;
                    Some(health_of(&state, &config).await?)
                }
                _ => None,
            },
        });
    }
    render(&AppsPage {
        chrome: Chrome::for_user(&state, &user, "apps", "Apps and Integrations").await?,
        rows,
    })
}

/// The app's latest run, as the Apps and Justworks pages show it.
async fn last_sync(
    state: &AppState,
    app: &str,
    reader: &CurrentUser,
) -> AppResult<Option<RunView>> {
    match runs::latest(&state.db, app).await? {
        Some(run) => {
            let sensitive = Sensitive::for_owner(reader.is_owner());
            let (run, kinds) = runs::as_seen(&state.db, run, sensitive).await?;
            Ok(Some(RunView::new(run, &kinds, state.clock.now())))
        }
        None => Ok(None),
    }
}

/// A user offered as a recipient of sync emails.
struct Recipient {
    id: String,
    name: String,
    email: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "justworks.html")]
struct JustworksPage {
    chrome: Chrome,
    form: justworks::SettingsForm,
    config: justworks::Config,
    recipients: Vec<Recipient>,
    errors: justworks::FieldErrors,
    /// Sandbox mode: where the generated credentials can be read.
    sandbox_url: Option<String>,
    /// What *Test connection* found, when the page answers one.
    connection: Option<ConnectionResult>,
    last_sync: Option<RunView>,
    /// Run Daily: the next sync and recently skipped days.
    schedule: Option<scheduler::AppSchedule>,
    /// The Partner API's redirect URI, to register with Justworks.
    redirect_uri: String,
    /// The scopes *Connect with Justworks* asks for.
    scopes: &'static str,
    /// The Partner API connection as the page says it.
    link: Option<LinkView>,
    /// Where Justworks posts webhook events (`{public base}/hooks/justworks`).
    webhook_url: String,
    health: HealthView,
}

/// The Partner API connection in a sentence: its state and since when.
struct LinkView {
    ok: bool,
    label: &'static str,
    detail: String,
}

impl LinkView {
    fn of(connection: &justworks::connection::Connection) -> Self {
        use justworks::connection::ConnState;
        match connection.state {
            ConnState::Connected => Self {
                ok: true,
                label: "Connected",
                detail: format!(
                    "company {}, since {}{}",
                    connection.company_name,
                    crate::web::format_time(connection.connected_at),
                    connection
                        .connected_by_name
                        .as_deref()
                        .map(|n| format!(" (by {n})"))
                        .unwrap_or_default()
                ),
            },
            ConnState::ReconnectNeeded => Self {
                ok: false,
                label: "Reconnect needed",
                detail: format!(
                    "Justworks stopped accepting orgsync's connection on {}: press Reconnect \
                     Justworks.",
                    crate::web::format_time(connection.state_at)
                ),
            },
        }
    }
}

/// The outcome of *Test connection*, as one sentence.
pub struct ConnectionResult {
    ok: bool,
    message: String,
}

#[derive(Template)]
#[template(path = "connection_result_partial.html")]
struct ConnectionResultPartial {
    connection: Option<ConnectionResult>,
}

fn recipients(users: &[User], chosen: &[String]) -> Vec<Recipient> {
    users
        .iter()
        .filter(|u| u.active)
        .map(|u| Recipient {
            id: u.id.clone(),
            name: u.name.clone(),
            email: u.email.clone(),
            checked: chosen.contains(&u.id),
        })
        .collect()
}

impl JustworksPage {
    /// The page showing `form` over what is stored (`config`), with its messages and
    /// what *Test connection* found, if anything.
    #[allow(clippy::too_many_arguments)]
    async fn new(
        state: &AppState,
        user: &CurrentUser,
        headers: &HeaderMap,
        config: justworks::Config,
        form: justworks::SettingsForm,
        errors: justworks::FieldErrors,
        connection: Option<ConnectionResult>,
    ) -> AppResult<Self> {
        let all_users = users::list(&state.db).await?;
        Ok(Self {
            chrome: Chrome::for_user(state, user, "apps", "Justworks").await?,
            recipients: recipients(&all_users, &form.notify_user_ids),
            form,
            errors,
            sandbox_url: sandbox_url(state),
            connection,
            last_sync: last_sync(state, justworks::APP, user).await?,
            schedule: scheduler::app_schedule(state, justworks::APP).await?,
            webhook_url: format!("{}/hooks/justworks", link_base::for_request(state, headers)),
            redirect_uri: crate::web::justworks_oauth::redirect_uri(state, headers),
            scopes: crate::justworks::oauth::SCOPES,
            link: config.connection.as_ref().map(LinkView::of),
            health: health_of(state, &config).await?,
            config,
        })
    }
}

async fn load_config(state: &AppState) -> AppResult<Option<justworks::Config>> {
    match apps::installed(&state.db, justworks::APP).await? {
        Some(install) => Ok(Some(justworks::load(&state.db, &install).await?)),
        None => Ok(None),
    }
}

/// The configuration a form posts against; refused when Justworks is not installed.
pub(crate) async fn installed_config(state: &AppState) -> AppResult<justworks::Config> {
    load_config(state).await?.ok_or_else(|| {
        AppError::BadRequest(
            "Justworks is not installed: install it on the Apps and Integrations page first."
                .into(),
        )
    })
}

async fn justworks_page(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    headers: HeaderMap,
) -> AppResult<Response> {
    let Some(config) = load_config(&state).await? else {
        flash(&user.session, "info", "Install Justworks first.").await?;
        return Ok(Redirect::to("/apps").into_response());
    };
    let form = justworks::SettingsForm::from(&config);
    let page = JustworksPage::new(
        &state,
        &user,
        &headers,
        config,
        form,
        Default::default(),
        None,
    )
    .await?;
    render(&page)
}

fn sandbox_url(state: &AppState) -> Option<String> {
    state
        .justworks
        .sandbox
        .then(|| state.justworks.base_url.clone())
}

async fn install(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    let installed = apps::install(&mut tx, justworks::APP, &user.id, state.clock.now()).await?;
    if installed {
        audit::record(
            &mut tx,
            &Actor::user(&user),
            "app.installed",
            "Justworks",
            "",
            state.clock.now(),
        )
        .await?;
    }
    tx.commit().await?;
    let message = if installed {
        "Justworks is installed. Enter the service user's credentials below and save."
    } else {
        "Justworks was already installed."
    };
    flash(&user.session, "success", message).await?;
    Ok(Redirect::to("/apps/justworks").into_response())
}

#[derive(serde::Deserialize)]
struct UninstallForm {
    confirm: Option<String>,
}

async fn uninstall(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    Form(form): Form<UninstallForm>,
) -> AppResult<Response> {
    if form.confirm.as_deref() != Some("yes") {
        flash(
            &user.session,
            "error",
            "Justworks was not uninstalled: tick the box to confirm first.",
        )
        .await?;
        return Ok(Redirect::to("/apps/justworks").into_response());
    }
    let mut tx = state.db.begin().await?;
    let removed = apps::uninstall(&mut tx, justworks::APP).await?;
    if removed {
        audit::record(
            &mut tx,
            &Actor::user(&user),
            "app.uninstalled",
            "Justworks",
            "stored credentials deleted; synced people kept",
            state.clock.now(),
        )
        .await?;
    }
    tx.commit().await?;
    flash(
        &user.session,
        "success",
        "Justworks is uninstalled and its stored credentials are deleted. The people it \
         synced are still in orgsync.",
    )
    .await?;
    Ok(Redirect::to("/apps").into_response())
}

async fn save_settings(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    headers: HeaderMap,
    RepeatedForm(form): RepeatedForm<justworks::SettingsForm>,
) -> AppResult<Response> {
    let config = installed_config(&state).await?;
    let all_users = users::list(&state.db).await?;
    let valid = match justworks::validate(&form, &config, &all_users) {
        Ok(valid) => valid,
        Err(errors) => {
            tracing::info!(fields = ?errors.keys().collect::<Vec<_>>(), "settings refused");
            let page =
                JustworksPage::new(&state, &user, &headers, config, form, errors, None).await?;
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let changed = justworks::changed_fields(&justworks::Valid::stored(&config), &valid);
    let mut tx = state.db.begin().await?;
    justworks::save(&mut tx, &state.crypto, &valid, state.clock.now()).await?;
    link_base::remember(&mut tx, &state, &headers, justworks::APP).await?;
    if !changed.is_empty() {
        audit::record(
            &mut tx,
            &Actor::user(&user),
            "app.settings_saved",
            "Justworks",
            &format!("changed: {}", changed.join(", ")),
            state.clock.now(),
        )
        .await?;
    }
    tx.commit().await?;
    let message = if changed.is_empty() {
        "Settings saved (nothing changed).".to_owned()
    } else {
        let labels: Vec<&str> = changed.iter().map(|f| justworks::field_label(f)).collect();
        format!("Settings saved. Changed: {}.", labels.join(", "))
    };
    flash(&user.session, "success", message).await?;
    Ok(Redirect::to("/apps/justworks").into_response())
}

/// *Test connection*: signs in to Justworks with the credentials just typed (or, for a
/// blank field, the saved ones), reads the company and the first members page, and says
/// what happened. Saves nothing and changes nothing in the org. With htmx it answers
/// only the result (so typed secrets stay in the form); without, the whole page.
async fn test_connection(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    headers: HeaderMap,
    RepeatedForm(form): RepeatedForm<justworks::SettingsForm>,
) -> AppResult<Response> {
    let config = installed_config(&state).await?;
    let auth: Result<Box<dyn Authenticator>, String> = match form.method() {
        justworks::ConnectionMethod::ServiceUser => credentials_to_test(&state, &config, &form)
            .await?
            .map(|creds| Box::new(creds) as Box<dyn Authenticator>),
        justworks::ConnectionMethod::PartnerApi => justworks::connection::to_test(
            &state.db,
            &state.crypto,
            &config,
            &form.client_id,
            state.clock.clone(),
        )
        .await
        .map_err(AppError::Internal)?
        .map(|tokens| Box::new(tokens) as Box<dyn Authenticator>),
    };
    let result = match auth {
        Err(message) => ConnectionResult { ok: false, message },
        Ok(auth) => {
            let outcome =
                match JustworksClient::new(&state.justworks.base_url, ClientOptions::interactive())
                {
                    Ok(client) => {
                        JustworksConnector::new(client, auth, state.clock.clone())
                            .test()
                            .await
                    }
                    Err(e) => Err(ConnectorError(e.to_string())),
                };
            match outcome {
                Ok(message) => {
                    tracing::info!("test connection: signed in and read the first page");
                    ConnectionResult { ok: true, message }
                }
                Err(e) => {
                    tracing::info!(error = %e, "test connection failed");
                    ConnectionResult {
                        ok: false,
                        message: e.to_string(),
                    }
                }
            }
        }
    };
    if headers.contains_key("hx-request") {
        return render(&ConnectionResultPartial {
            connection: Some(result),
        });
    }
    render(
        &JustworksPage::new(
            &state,
            &user,
            &headers,
            config,
            form,
            Default::default(),
            Some(result),
        )
        .await?,
    )
}

/// The credentials to try: each typed field, or the saved value when left blank.
async fn credentials_to_test(
    state: &AppState,
    config: &justworks::Config,
    form: &justworks::SettingsForm,
) -> AppResult<Result<Credentials, String>> {
    let saved = match &config.settings {
        Some(settings) => justworks::load_credentials(&state.db, &state.crypto, settings).await?,
        None => None,
    };
    let username = match form.username.trim() {
        "" => saved.as_ref().map(|c| c.username.clone()),
        typed => Some(typed.to_owned()),
    };
    let password = match form.typed_password() {
        None => saved.as_ref().map(|c| c.password.clone()),
        Some(typed) => Some(typed.clone()),
    };
    let seed = match form.parsed_seed() {
        None => saved.map(|c| c.seed),
        Some(Ok(seed)) => Some(seed),
        Some(Err(e)) => return Ok(Err(format!("Not tested: the 2FA code is not usable. {e}"))),
    };
    match (username, password, seed) {
        (Some(u), Some(p), Some(s)) => Ok(Ok(Credentials::new(u, p, s))),
        _ => Ok(Err(
            "Not tested: enter the JustWorks Username, Password and 2FA Code (or save them first)."
                .into(),
        )),
    }
}

/// *Send a test email*: a short mail to the signed-in user, sent at once through the
/// configured transport; the page says how it went (never with a secret in it).
async fn send_test_email(
    State(state): State<AppState>,
    RequireTechnicalOwner(user): RequireTechnicalOwner,
    headers: HeaderMap,
) -> AppResult<Response> {
    // The address used here is where the links of later run emails will point.
    let mut conn = state.db.pool().acquire().await?;
    link_base::remember(&mut conn, &state, &headers, justworks::APP).await?;
    drop(conn);
    let sent = mail::mailer::send_test_email(&state, &user.name, &user.email).await?;
    let (kind, message) = match sent {
        Ok(mail::Delivered::Smtp { endpoint }) => (
            "success",
            format!("Test email sent to {} via smtp {endpoint}.", user.email),
        ),
        Ok(mail::Delivered::File { path }) => (
            "success",
            format!(
                "Test email to {} written to {} (no SMTP server is configured).",
                user.email,
                path.display()
            ),
        ),
        Err(failure) => (
            "error",
            format!("The test email could not be sent: {}", failure.sentence),
        ),
    };
    flash(&user.session, kind, message).await?;
    Ok(Redirect::to("/apps/justworks").into_response())
}
