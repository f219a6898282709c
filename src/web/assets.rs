//! The static files (stylesheet, vendored htmx, the copy buttons' script), compiled into
//! the binary: the release binary is all a deployment needs, wherever it runs from. Caching is set by
//! `headers::security_headers` for everything under `/static/`.

use axum::Router;
use axum::http::header;
use axum::routing::get;

const APP_CSS: &str = include_str!("../../static/app.css");
const HTMX_JS: &str = include_str!("../../static/htmx.min.js");
const COPY_JS: &str = include_str!("../../static/copy.js");

pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(
            "/static/app.css",
            get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], APP_CSS) }),
        )
        .route(
            "/static/htmx.min.js",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                    HTMX_JS,
                )
            }),
        )
        .route(
            "/static/copy.js",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                    COPY_JS,
                )
            }),
        )
}
