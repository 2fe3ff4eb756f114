//! A host's robots.txt, read as RFC 9309 says: rules for our product token
//! (or `*`) from a 2xx answer, everything allowed after a 4xx, everything
//! disallowed after a 5xx. Parsing and matching are `texting_robots`'s.

use texting_robots::Robot;

/// Most bytes of a robots.txt that are parsed (RFC 9309 asks for at least
/// 500 KiB); the rest is ignored.
pub(crate) const MAX_ROBOTS_BYTES: u64 = 512 * 1024;

/// What a host's robots.txt says.
pub(crate) enum Robots {
    /// No robots.txt (4xx), or one that could not be parsed.
    AllowAll,
    /// The robots.txt was unavailable with a server error.
    DisallowAll {
        /// Why, for the error message.
        reason: String,
    },
    /// Rules for our user agent.
    Rules(Box<Robot>),
}

impl std::fmt::Debug for Robots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Robots::AllowAll => f.write_str("AllowAll"),
            Robots::DisallowAll { reason } => write!(f, "DisallowAll({reason:?})"),
            Robots::Rules(_) => f.write_str("Rules(..)"),
        }
    }
}

impl Robots {
    /// Parses a robots.txt body for `agent`; an unparsable file allows
    /// everything (RFC 9309: parse errors are ignored).
    pub(crate) fn parse(agent: &str, body: &[u8]) -> Robots {
        match Robot::new(agent, body) {
            Ok(robot) => Robots::Rules(Box::new(robot)),
            Err(_) => Robots::AllowAll,
        }
    }

    /// `Ok` when `url` may be fetched, else the reason (empty for a plain
    /// `Disallow` rule).
    pub(crate) fn check(&self, url: &str) -> Result<(), String> {
        match self {
            Robots::AllowAll => Ok(()),
            Robots::DisallowAll { reason } => Err(reason.clone()),
            Robots::Rules(robot) => {
                if robot.allowed(url) {
                    Ok(())
                } else {
                    Err(String::new())
                }
            }
        }
    }

    /// The `Crawl-delay` for our agent, in seconds.
    pub(crate) fn crawl_delay(&self) -> Option<f32> {
        match self {
            Robots::Rules(robot) => robot.delay,
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_for_our_agent_or_star() {
        let txt = b"User-agent: *\nDisallow: /private/\n\nUser-agent: unspin\nDisallow: /nope\nAllow: /nope/ok\nCrawl-delay: 2\n";
        let r = Robots::parse("unspin", txt);
        assert!(r.check("http://a.org/private/x").is_ok());
        assert!(r.check("http://a.org/nope/x").is_err());
        assert!(r.check("http://a.org/nope/ok/1").is_ok());
        assert_eq!(r.crawl_delay(), Some(2.0));
        let other = Robots::parse("otherbot", txt);
        assert!(other.check("http://a.org/private/x").is_err());
        assert!(other.check("http://a.org/nope/x").is_ok());
    }
}
