//! Secrets out of logs (W8): the request line is logged with the values of credential-bearing query
//! parameters (`token`, the OAuth `code` and `state`, `access_token`, `password`) replaced.

use std::borrow::Cow;

/// Query parameters whose values are never logged.
const SECRET_PARAMS: &[&str] = &["token", "code", "state", "access_token", "password"];

/// `path?query` with the values of [`SECRET_PARAMS`] replaced by `REDACTED`.
pub fn redacted(path_and_query: &str) -> Cow<'_, str> {
    let Some((path, query)) = path_and_query.split_once('?') else {
        return Cow::Borrowed(path_and_query);
    };
    let secret = |pair: &str| {
        let name = pair.split_once('=').map_or(pair, |(name, _)| name);
        SECRET_PARAMS.iter().any(|s| name.eq_ignore_ascii_case(s))
    };
    if !query.split('&').any(secret) {
        return Cow::Borrowed(path_and_query);
    }
    let pairs: Vec<Cow<'_, str>> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if secret(pair) => Cow::Owned(format!("{name}=REDACTED")),
            _ => Cow::Borrowed(pair),
        })
        .collect();
    Cow::Owned(format!("{path}?{}", pairs.join("&")))
}

#[cfg(test)]
mod tests {
    use super::redacted;

    #[test]
    fn secrets_are_replaced() {
        assert_eq!(redacted("/a"), "/a");
        assert_eq!(redacted("/a?x=1"), "/a?x=1");
        assert_eq!(redacted("/?token=s3cret&tab=2"), "/?token=REDACTED&tab=2");
        assert_eq!(
            redacted("/oauth_callback?code=abc&state=xyz"),
            "/oauth_callback?code=REDACTED&state=REDACTED"
        );
        assert_eq!(redacted("/files/a?TOKEN=x"), "/files/a?TOKEN=REDACTED");
    }
}
