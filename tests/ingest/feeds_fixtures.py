"""Small hand-written feeds and pages for loader tests."""

LONG_PARAGRAPH = (
    "The regional council voted on Monday to extend the night bus network to three new "
    "suburbs, after a year-long trial showed that late-evening services were used far more "
    "than planners had expected. Councillors said the extension would be paid for by savings "
    "elsewhere in the transport budget and would start in the spring. "
)

RSS_FULL_TEXT = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Valley Gazette</title><link>https://gazette.example/</link>
<item><title>Night buses reach three more suburbs</title>
<link>https://gazette.example/night-buses?utm_source=rss</link>
<pubDate>Tue, 06 Jan 2026 08:00:00 +0000</pubDate>
<description>Short teaser.</description>
<content:encoded><![CDATA[<p>{LONG_PARAGRAPH}</p><p>{LONG_PARAGRAPH}</p>]]></content:encoded>
</item></channel></rss>""".encode()

RSS_TEASER_TEMPLATE = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Teaser Times</title>
<item><title>Library opens on Sundays</title><link>{base}/library</link>
<description>The library will open on Sundays.</description></item>
<item><title>Gone story</title><link>{base}/missing</link>
<description>A story whose page has disappeared.</description></item>
</channel></rss>"""

ARTICLE_PAGE = f"""<!doctype html><html><head><title>Library opens on Sundays | Teaser Times</title>
<meta property="og:title" content="Library opens on Sundays">
<meta name="author" content="Jo Writer">
<meta property="article:published_time" content="2026-01-05T10:00:00+00:00"></head>
<body><nav><a href="/">Home</a> | <a href="/news">News</a></nav>
<article><h1>Library opens on Sundays</h1>
<p>The central library will open on Sundays from February, the city said, after readers asked
for weekend hours in a survey that drew more than four thousand replies.</p>
<p>{LONG_PARAGRAPH}</p></article>
<footer>Subscribe to our newsletter. Copyright 2026 Teaser Times.</footer></body></html>"""

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Atom Post</title>
<entry><title>Bridge repairs finish early</title><link href="https://atom.example/bridge"/>
<id>tag:atom.example,2026:1</id><updated>2026-01-04T12:00:00Z</updated>
<author><name>Sam Reporter</name></author>
<content type="html">&lt;p&gt;{LONG_PARAGRAPH}{LONG_PARAGRAPH}&lt;/p&gt;</content>
</entry></feed>""".encode()

JSON_FEED = f"""{{"version": "https://jsonfeed.org/version/1.1", "title": "JSON Daily",
"items": [{{"id": "1", "url": "https://json.example/one", "title": "Ferry timetable changes",
"content_text": "{LONG_PARAGRAPH * 2}", "date_published": "2026-01-03T09:00:00Z",
"authors": [{{"name": "Ana"}}]}}]}}""".encode()

MALFORMED_RSS = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title>
<item><title>First & only</title><link>https://broken.example/1</link>
<description>{LONG_PARAGRAPH * 2}</description></item>
<item><title>Second</title><link>https://broken.example/2</link>
<description>{LONG_PARAGRAPH * 2}</description></item>
</channel>""".encode()

NOT_A_FEED = b"<!doctype html><html><body><p>Just a web page.</p></body></html>"
