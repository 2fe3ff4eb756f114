"""Bad input raises the right exception, with the Rust message."""

from __future__ import annotations

import http.server
import threading

import pytest

import unspin


@pytest.fixture(scope="module")
def fast() -> unspin.Analyzer:
    return unspin.Analyzer("fast")


def test_the_exception_classes() -> None:
    assert issubclass(unspin.InputError, unspin.UnspinError)
    assert issubclass(unspin.InputError, ValueError)
    assert issubclass(unspin.ModelError, unspin.UnspinError)
    assert not issubclass(unspin.ModelError, unspin.InputError)


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"text": ""}, "empty"),
        ({"text": "   \n\n  "}, "whitespace"),
        ({"text": "abc\x00\x00\x00def\x00\x01\x02" * 50}, "binary"),
        ({"markdown": ""}, "empty"),
        ({"html": "<html><head><title>x</title></head></html>"}, "<body>"),
        ({"html": "<html><body><nav>Home</nav></body></html>"}, ""),
    ],
)
def test_unreadable_articles_raise_input_error(fast: unspin.Analyzer, kwargs: dict, words: str) -> None:
    with pytest.raises(unspin.InputError) as caught:
        fast.analyze(**kwargs)
    assert words in str(caught.value), str(caught.value)


def test_a_lone_surrogate_is_an_input_error(fast: unspin.Analyzer) -> None:
    with pytest.raises(unspin.InputError, match="Unicode"):
        fast.analyze("Title\n\nBroken \ud800 text.")


def test_arguments_that_do_not_fit(fast: unspin.Analyzer) -> None:
    with pytest.raises(TypeError, match="missing the article"):
        fast.analyze()
    with pytest.raises(TypeError, match="text, html"):
        fast.analyze("a", html="<p>b</p>")
    with pytest.raises(TypeError, match="missing the article"):
        unspin.extract()


def test_bad_options_raise_value_error() -> None:
    with pytest.raises(ValueError, match="unknown tier \"deep\""):
        unspin.Analyzer("deep")
    with pytest.raises(ValueError, match="precision"):
        unspin.Analyzer("fast", precision="int4")
    with pytest.raises(ValueError, match="threshold"):
        unspin.Analyzer("fast", threshold=1.5)
    with pytest.raises(ValueError, match="threads"):
        unspin.Analyzer("fast", threads=0)


def test_a_model_that_cannot_load_is_a_model_error(tmp_path) -> None:
    with pytest.raises(unspin.ModelError, match="/no/such/model.safetensors"):
        unspin.Analyzer("fast", model="/no/such/model.safetensors")
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(b"not a model")
    with pytest.raises(unspin.ModelError, match="cannot load the fast model"):
        unspin.Analyzer("fast", model=broken)


def test_int8_where_it_cannot_run_is_a_model_error() -> None:
    try:
        analyzer = unspin.Analyzer("neural", precision="int8")
    except unspin.ModelError as e:
        assert "int8" in str(e) and "allow_fallback" in str(e)
        fallback = unspin.Analyzer("neural", precision="int8", allow_fallback=True)
        assert "ran f32" in fallback.provenance
    else:
        assert analyzer.precision == "int8"
        pytest.skip("SKIP: this CPU runs int8 (AVX2 or better), so no ModelError to see")


class _NotFound(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        self.send_response(404)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"no such page")

    def log_message(self, *args: object) -> None:
        pass


def test_a_url_that_fails_is_an_input_error(fast: unspin.Analyzer) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotFound)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/story.html"
        with pytest.raises(unspin.InputError, match="404"):
            fast.analyze(url=url)
    finally:
        server.shutdown()


def test_analyze_many_raises_at_the_bad_item_or_returns_it(fast: unspin.Analyzer) -> None:
    items = ["Title\n\nFirst article text.", "", {"id": 7, "text": "Title\n\nThird."}, 42]
    out = []
    with pytest.raises(unspin.InputError):
        for result in fast.analyze_many(items, batch_size=2):
            out.append(result)
    assert [r["text"] for r in out] == ["Title\n\nFirst article text."]
    returned = list(fast.analyze_many(items, batch_size=3, errors="return"))
    assert isinstance(returned[1], unspin.InputError)
    assert returned[2]["id"] == "7"
    assert isinstance(returned[3], TypeError) and "str or a dict" in str(returned[3])
    with pytest.raises(ValueError):
        fast.analyze_many(items, errors="ignore")
    with pytest.raises(ValueError):
        fast.analyze_many(items, batch_size=0)
