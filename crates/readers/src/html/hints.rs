//! Class and id names as hints: which names say boilerplate (navigation,
//! sharing, ads, dialogs — and how surely), and the readability weight a name
//! gives an element.

use scraper::node::Element;

/// The parts of an element's class and id, lowercased and split on
/// non-alphanumerics (`article-share_bar` → `article`, `share`, `bar`).
pub(crate) struct Hints {
    joined: String,
}

impl Hints {
    pub(crate) fn of(el: &Element) -> Hints {
        let mut joined = String::new();
        for v in [el.attr("class"), el.attr("id")].into_iter().flatten() {
            joined.push(' ');
            joined.push_str(&v.to_ascii_lowercase());
        }
        Hints { joined }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.joined.trim().is_empty()
    }

    pub(crate) fn parts(&self) -> impl Iterator<Item = &str> {
        self.joined
            .split(|c: char| !c.is_alphanumeric())
            .filter(|p| !p.is_empty())
    }

    pub(crate) fn tokens(&self) -> impl Iterator<Item = &str> {
        self.joined.split_ascii_whitespace()
    }

    /// Comment sections and consent banners: removed whatever they hold.
    pub(crate) fn is_always_boilerplate(&self) -> bool {
        const ALWAYS: &[&str] = &[
            "comment",
            "comments",
            "disqus",
            "cookie",
            "cookies",
            "consent",
            "gdpr",
            "comentarios",
            "kommentare",
            "commentlist",
        ];
        self.parts().any(|p| ALWAYS.contains(&p))
    }

    /// Boilerplate by name: navigation, sidebars, comments, sharing, related
    /// links, cookie banners (strong), and ads, widgets, banners, promos
    /// (weak, unless the name also says article/content/body/text).
    pub(crate) fn boilerplate(&self) -> Option<Named> {
        const STRONG: &[&str] = &[
            "nav",
            "navbar",
            "navigation",
            "menu",
            "menus",
            "breadcrumb",
            "breadcrumbs",
            "sidebar",
            "aside",
            "footer",
            "comment",
            "comments",
            "share",
            "sharing",
            "shares",
            "social",
            "socials",
            "related",
            "recommended",
            "recommendations",
            "newsletter",
            "subscribe",
            "subscription",
            "signup",
            "cookie",
            "cookies",
            "consent",
            "gdpr",
            "disqus",
            "outbrain",
            "taboola",
            "recirc",
            "recirculation",
            "shariff",
            "addthis",
            "sharethis",
            "comentarios",
            "kommentare",
        ];
        const STRONG_SUBSTRINGS: &[&str] = &[
            "sidebar",
            "newsletter",
            "cookie",
            "breadcrumb",
            "disqus",
            "outbrain",
            "taboola",
            "sharing",
            "sharebar",
            "socialmedia",
            "recommend",
            "consent",
            "navbar",
            "footer",
            "commentlist",
            "relatedarticle",
            "relatedpost",
            "related-",
            "more-stories",
            "morestories",
            "most-read",
            "mostread",
            "sociallinks",
            "social-links",
            "share-",
            "-share",
        ];
        const WEAK: &[&str] = &[
            "banner",
            "ad",
            "ads",
            "advert",
            "advertisement",
            "adsense",
            "sponsor",
            "sponsored",
            "promo",
            "popup",
            "modal",
            "overlay",
            "widget",
            "widgets",
            "tags",
            "tag",
            "taglist",
            "keywords",
            "pagination",
            "pager",
            "toolbar",
            "skip",
            "rating",
            "login",
            "masthead",
            "trending",
            "popular",
            "survey",
            "follow",
            "bio",
            "teasers",
            "readmore",
            "newsticker",
            "ticker",
            "jobs",
            "gallery",
            "slideshow",
            "lightbox",
            "settings",
            "controls",
        ];
        const WEAK_SUBSTRINGS: &[&str] = &["advert", "sponsor", "subscri", "read-more", "readmore"];
        const CONTENT: &[&str] = &[
            "article",
            "content",
            "body",
            "text",
            "story",
            "entry",
            "post",
            "main",
            "articlebody",
            "prose",
            "blog",
        ];
        if self.parts().any(|p| STRONG.contains(&p))
            || STRONG_SUBSTRINGS.iter().any(|s| self.joined.contains(s))
        {
            return Some(Named::Strong);
        }
        let weak = self.parts().any(|p| WEAK.contains(&p))
            || WEAK_SUBSTRINGS.iter().any(|s| self.joined.contains(s));
        if weak && !self.parts().any(|p| CONTENT.contains(&p)) {
            // Dialogs and page controls are never article sections.
            const UI: &[&str] = &[
                "popup",
                "modal",
                "overlay",
                "login",
                "survey",
                "pagination",
                "pager",
                "toolbar",
                "settings",
                "controls",
            ];
            if self.parts().any(|p| UI.contains(&p)) {
                return Some(Named::Ui);
            }
            if self.is_gallery() {
                return Some(Named::Gallery);
            }
            return Some(Named::Weak);
        }
        self.is_hidden_class().then_some(Named::Strong)
    }

    /// A photo gallery or slideshow by name. A `js-` class is a script's
    /// hook (`js-lightbox-gallery` on a picture beside article text), not
    /// a description, so it does not count.
    fn is_gallery(&self) -> bool {
        const GALLERY: &[&str] = &["gallery", "slideshow", "lightbox"];
        self.tokens()
            .filter(|t| !t.starts_with("js-") && !t.starts_with("js_"))
            .flat_map(|t| t.split(|c: char| !c.is_alphanumeric()))
            .any(|p| GALLERY.contains(&p))
    }

    pub(crate) fn is_boilerplate(&self) -> bool {
        self.boilerplate().is_some()
    }

    /// Hidden by a utility class, unless a responsive variant shows it again
    /// (`hidden md:flex`, `d-none d-md-block`).
    pub(crate) fn is_hidden_class(&self) -> bool {
        const TOKENS: &[&str] = &[
            "hidden",
            "sr-only",
            "visually-hidden",
            "screen-reader-text",
            "visuallyhidden",
            "element-invisible",
            "d-none",
            "is-hidden",
            "u-hidden",
        ];
        if !self.tokens().any(|t| TOKENS.contains(&t)) {
            return false;
        }
        let shown_again = self.tokens().any(|t| {
            let display = [
                "block", "flex", "inline", "grid", "table", "visible", "contents",
            ];
            (t.contains(':') && display.iter().any(|d| t.ends_with(d)))
                || (t.starts_with("d-") && t != "d-none" && display.iter().any(|d| t.ends_with(d)))
        });
        !shown_again
    }

    /// Metadata rather than body: bylines, date lines, captions, credits.
    pub(crate) fn is_meta(&self) -> bool {
        const PARTS: &[&str] = &[
            "byline",
            "author",
            "authors",
            "dateline",
            "date",
            "timestamp",
            "time",
            "caption",
            "credit",
            "credits",
            "copyright",
            "meta",
            "kicker",
            "published",
            "updated",
            "author-info",
            "source",
            "photo",
        ];
        self.parts().any(|p| PARTS.contains(&p))
    }

    /// Readability's class weight: −25 for boilerplate-like names, +25 for
    /// content-like ones.
    pub(crate) fn weight(&self) -> f64 {
        const POS: &[&str] = &[
            "article",
            "body",
            "content",
            "entry",
            "hentry",
            "main",
            "page",
            "post",
            "text",
            "blog",
            "story",
            "articlebody",
            "prose",
            "paragraph",
            "copy",
        ];
        const NEG: &[&str] = &[
            "header", "masthead", "meta", "foot", "footnote", "media", "scroll", "shopping",
            "contact", "hid", "combx", "com", "teaser", "teasers", "list", "more", "links", "card",
            "cards", "tile", "tiles",
        ];
        let mut w = 0.0;
        if self.parts().any(|p| NEG.contains(&p)) || self.is_boilerplate() {
            w -= 25.0;
        }
        if self.parts().any(|p| POS.contains(&p))
            || self.joined.contains("articlebody")
            || self.joined.contains("article-body")
        {
            w += 25.0;
        }
        w
    }
}

/// How surely a class/id name says boilerplate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Named {
    /// Navigation, sharing, comments…: removed unless it holds most of the
    /// page or reads like a long article.
    Strong,
    /// Dialogs and page controls (`modal`, `popup`, `pagination`): removed
    /// unless they hold most of the page, however much prose they hold.
    Ui,
    /// Photo galleries and slideshows: a run of captions that can outweigh
    /// the article they sit in. Removed when the article around them
    /// (`<article>` or `itemprop="articleBody"`) has prose of its own
    /// besides; otherwise treated as [`Named::Weak`] (a slideshow story).
    Gallery,
    /// Ads, widgets, promos, tags…: names that sites also put on article
    /// sections (`TestReport__Section--Ads`), so an element that reads like
    /// prose is kept.
    Weak,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hints(class: &str) -> Hints {
        Hints {
            joined: format!(" {}", class.to_ascii_lowercase()),
        }
    }

    #[test]
    fn boilerplate_names_have_a_strength() {
        assert_eq!(hints("site-nav").boilerplate(), Some(Named::Strong));
        assert_eq!(
            hints("TestReport__Section--Ads").boilerplate(),
            Some(Named::Weak)
        );
        assert_eq!(
            hints("modal disclosures-modal").boilerplate(),
            Some(Named::Ui)
        );
        // A video player's menus.
        assert_eq!(
            hints("yvp-settings-container").boilerplate(),
            Some(Named::Ui)
        );
        assert_eq!(hints("player-controls").boilerplate(), Some(Named::Ui));
        assert_eq!(hints("full-gallery").boilerplate(), Some(Named::Gallery));
        assert_eq!(
            hints("o-media js-lightbox-gallery").boilerplate(),
            Some(Named::Weak)
        );
        assert_eq!(hints("gallery-article-body").boilerplate(), None);
        // A content word clears a weak name.
        assert_eq!(hints("ad-article-body").boilerplate(), None);
        assert_eq!(hints("modal__body").boilerplate(), None);
    }
}
