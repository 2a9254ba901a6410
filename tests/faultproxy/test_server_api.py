"""The HTTP API, differentially: the same requests against our server and the reference
Toxiproxy 2.8.0 must get the same routes, status codes and bodies (see `differences` for the
deliberate exceptions)."""

from __future__ import annotations

import json
import re
import socket

import pytest

pytestmark = pytest.mark.integration

PROXY_KEYS = ["name", "listen", "upstream", "enabled", "Logger", "toxics"]
TOXIC_KEYS = ["attributes", "name", "type", "stream", "toxicity"]


def test_version_body_and_content_type(api):
    """GET /version is `{"version": "<V>"}` plus newline, JSON with charset (ours reports
    2.12.0, the contract it implements; the reference binary 2.8.0)."""
    reply = api.call("GET", "/version")
    assert reply.status == 200
    assert reply.body == b'{"version": "%s"}\n' % api.version.encode()
    assert reply.headers["content-type"] == "application/json;charset=utf-8"


def test_request_id_header_on_matched_routes_only(api):
    """Matched routes carry a 20-character X-Toxiproxy-Request-Id; unknown paths do not."""
    first = api.call("GET", "/proxies").headers["x-toxiproxy-request-id"]
    second = api.call("GET", "/proxies").headers["x-toxiproxy-request-id"]
    assert re.fullmatch(r"[0-9a-v]{20}", first) and first != second
    assert "x-toxiproxy-request-id" not in api.call("GET", "/nope").headers


def test_unknown_path_is_plain_404(api):
    """Unknown paths (including a trailing slash) answer `404 page not found`."""
    for path in ("/nope", "/proxies/", "/metrics", "/"):
        reply = api.call("GET", path)
        assert (reply.status, reply.body) == (404, b"404 page not found\n"), path
        assert reply.headers["content-type"] == "text/plain; charset=utf-8"


def test_wrong_method_is_empty_405(api):
    """A known path with the wrong method answers 405 with an empty body."""
    for method, path in (("PUT", "/proxies"), ("HEAD", "/version"), ("GET", "/reset")):
        reply = api.call(method, path)
        assert (reply.status, reply.body) == (405, b""), (method, path)


def test_browser_user_agent_is_403(api):
    """`Mozilla/` user agents get 403; other agents do not."""
    reply = api.call("GET", "/proxies", headers={"User-Agent": "Mozilla/5.0 (X11)"})
    assert (reply.status, reply.body) == (403, b"User agent not allowed\n")
    assert api.call("GET", "/proxies", headers={"User-Agent": "Wget/2.1"}).status == 200


def test_create_get_list_proxy_json_shape(api, echo_upstream):
    """Create is 201 with the bound listen; JSON field order matches Toxiproxy's."""
    reply = api.call(
        "POST", "/proxies", {"name": "core", "listen": "localhost:0", "upstream": echo_upstream}
    )
    assert reply.status == 201
    assert reply.headers["content-type"] == "application/json"
    proxy = reply.json()
    assert list(proxy) == PROXY_KEYS
    assert re.fullmatch(r"127\.0\.0\.1:\d+", proxy["listen"]) and not proxy["listen"].endswith(":0")
    assert proxy["Logger"] == {} and proxy["toxics"] == [] and proxy["enabled"] is True
    assert api.call("GET", "/proxies/core").json() == proxy
    assert api.call("GET", "/proxies").body == b'{"core":' + reply.body + b"}"


def test_empty_proxy_list_is_empty_object(api):
    """GET /proxies with no proxies is `{}`."""
    assert api.call("GET", "/proxies").body == b"{}"


def test_create_errors(api, echo_upstream):
    """Missing fields are 400, a taken name 409, a bad listen 500, each with Go's message."""
    cases = [
        ({"upstream": echo_upstream}, 400, "missing required field: name"),
        ({"name": "a"}, 400, "missing required field: upstream"),
        (
            {"name": "a", "upstream": "x:1", "listen": "local373"},
            500,
            "listen tcp: address local373: missing port in address",
        ),
    ]
    for body, status, message in cases:
        reply = api.call("POST", "/proxies", body)
        assert reply.status == status
        assert (
            reply.body
            == json.dumps({"error": message, "status": status}, separators=(",", ":")).encode()
            + b"\n"
        )
        assert reply.headers["content-type"] == "text/plain; charset=utf-8"
    api.create_proxy("a", echo_upstream)
    assert api.call("POST", "/proxies", {"name": "a", "upstream": "x:1"}).status == 409


def test_create_on_port_in_use_is_500(api, echo_upstream):
    """Binding a port that is taken answers 500 with the bind error; nothing is stored."""
    taken = api.create_proxy("first", echo_upstream)["listen"]
    reply = api.call("POST", "/proxies", {"name": "second", "listen": taken, "upstream": "x:1"})
    assert reply.status == 500
    assert reply.json()["error"] == f"listen tcp {taken}: bind: address already in use"
    assert api.call("GET", "/proxies/second").status == 404


def test_create_disabled_keeps_listen_unresolved(api):
    """A proxy created disabled is not bound and echoes its listen as given."""
    body = {"name": "d", "listen": "localhost:0", "upstream": "x:1", "enabled": False}
    proxy = api.call("POST", "/proxies", body).json()
    assert proxy["listen"] == "localhost:0" and proxy["enabled"] is False


def test_lenient_json_decoding(api, echo_upstream):
    """Keys match case-insensitively, unknown keys are ignored, trailing bytes too."""
    body = (
        json.dumps(
            {"NAME": "x", "Upstream": echo_upstream, "Listen": "127.0.0.1:0", "colour": "red"}
        )
        + " trailing garbage {"
    )
    reply = api.call("POST", "/proxies", body)
    assert reply.status == 201 and reply.json()["name"] == "x"


def test_bad_bodies_are_400(api):
    """Empty, truncated, non-JSON and wrongly typed bodies are 400 `bad request body: …`."""
    for body, detail in (
        (b"", "EOF"),
        (b"   ", "EOF"),
        (b'{"name": "x"', "unexpected EOF"),
        (b"nonsense", "invalid character"),
        (b'{"name": 5, "upstream": "x:1"}', "json: cannot unmarshal number"),
        (b'{"name": "x", "upstream": "x:1", "enabled": "yes"}', "json: cannot unmarshal string"),
        (b"[1, 2]", "json: cannot unmarshal array"),
    ):
        reply = api.call("POST", "/proxies", body)
        assert reply.status == 400, body
        assert reply.json()["error"].startswith(f"bad request body: {detail}"), body


def test_update_proxy_partial_and_404(api, echo_upstream):
    """POST and PATCH update only the given fields; unknown proxies are 404."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    reply = api.call("PATCH", "/proxies/p", {"enabled": False, "name": "ignored"})
    assert reply.status == 200 and reply.json()["enabled"] is False
    assert reply.json()["name"] == "p" and reply.json()["listen"] == listen
    assert api.call("POST", "/proxies/p", {"upstream": "127.0.0.1:1"}).json()["upstream"] == (
        "127.0.0.1:1"
    )
    missing = api.call("PATCH", "/proxies/nope", {"enabled": False})
    assert (missing.status, missing.json()["error"]) == (404, "proxy not found")


@pytest.mark.differs("resolved_listen")
def test_update_with_bad_listen_is_500(api, echo_upstream):
    """An unresolvable listen in an update answers 500 with the address error."""
    api.create_proxy("p", echo_upstream)
    reply = api.call("PATCH", "/proxies/p", {"listen": "foo"})
    assert reply.status == 500
    assert reply.json()["error"] == "address foo: missing port in address"


def test_delete_proxy(api, echo_upstream):
    """DELETE is 204 then 404; the name and port can be reused at once."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    reply = api.call("DELETE", "/proxies/p")
    assert (reply.status, reply.body) == (204, b"")
    assert api.call("DELETE", "/proxies/p").status == 404
    assert api.create_proxy("p", echo_upstream, listen=listen)["listen"] == listen


def test_toxic_create_defaults_and_shape(api, echo_upstream):
    """A toxic is 200 (not 201); default stream downstream, name `<type>_<stream>`."""
    api.create_proxy("p", echo_upstream)
    reply = api.call("POST", "/proxies/p/toxics", {"type": "latency"})
    assert reply.status == 200
    toxic = reply.json()
    assert list(toxic) == TOXIC_KEYS
    assert reply.body == (
        b'{"attributes":{"latency":0,"jitter":0},"name":"latency_downstream",'
        b'"type":"latency","stream":"downstream","toxicity":1}'
    )


def test_toxic_stream_echoed_raw_and_toxicity_float32(api, echo_upstream):
    """The stream is echoed as sent and names the default; toxicity prints as float32."""
    api.create_proxy("p", echo_upstream)
    toxic = api.add_toxic(
        "p",
        {"type": "bandwidth", "stream": "UpStream", "toxicity": 0.2, "attributes": {"Rate": 100}},
    )
    assert toxic["stream"] == "UpStream" and toxic["name"] == "bandwidth_UpStream"
    assert toxic["attributes"] == {"rate": 100}
    raw = api.call("GET", "/proxies/p/toxics/bandwidth_UpStream").body
    assert raw.endswith(b'"toxicity":0.2}')


def test_every_toxic_type_lists_all_attributes(api, echo_upstream):
    """Each registered type is accepted and shows every attribute with zero defaults."""
    api.create_proxy("p", echo_upstream)
    expected = {
        "noop": {},
        "latency": {"latency": 0, "jitter": 0},
        "bandwidth": {"rate": 0},
        "slow_close": {"delay": 0},
        "timeout": {"timeout": 0},
        "reset_peer": {"timeout": 0},
        "slicer": {"average_size": 0, "size_variation": 0, "delay": 0},
        "limit_data": {"bytes": 0},
    }
    for kind, attributes in expected.items():
        assert api.add_toxic("p", {"type": kind})["attributes"] == attributes
    reply = api.call("GET", "/proxies/p/toxics")
    assert [toxic["type"] for toxic in reply.json()] == list(expected)


def test_toxic_errors(api, echo_upstream):
    """Bad stream and type are 400, a duplicate name 409 (across streams), unknown 404."""
    api.create_proxy("p", echo_upstream)
    api.add_toxic("p", {"name": "t", "type": "noop", "stream": "upstream"})
    cases = [
        (
            "/proxies/p/toxics",
            {"type": "noop", "stream": "walrustream"},
            400,
            "stream was invalid, can be either upstream or downstream",
        ),
        (
            "/proxies/p/toxics",
            {"type": "noop", "stream": ""},
            400,
            "stream was invalid, can be either upstream or downstream",
        ),
        ("/proxies/p/toxics", {"type": "Latency"}, 400, "invalid toxic type"),
        ("/proxies/p/toxics", {"name": "t", "type": "noop"}, 409, "toxic already exists"),
        ("/proxies/nope/toxics", {"type": "noop"}, 404, "proxy not found"),
    ]
    for path, body, status, message in cases:
        reply = api.call("POST", path, body)
        assert (reply.status, reply.json()["error"]) == (status, message), body
    assert api.call("GET", "/proxies/p/toxics/nope").json()["error"] == "toxic not found"
    assert api.call("DELETE", "/proxies/p/toxics/nope").status == 404
    assert api.call("GET", "/proxies/nope/toxics").status == 404


def test_toxic_attribute_type_errors(api, echo_upstream):
    """Fractional or string ints, a non-object `attributes`, a string toxicity: 400
    `bad request body: …` and nothing stored."""
    api.create_proxy("p", echo_upstream)
    for body in (
        {"type": "latency", "attributes": {"latency": 100.5}},
        {"type": "latency", "attributes": {"latency": "100"}},
        {"type": "latency", "attributes": "fast"},
        {"type": "noop", "toxicity": "high"},
    ):
        reply = api.call("POST", "/proxies/p/toxics", body)
        assert reply.status == 400, body
        assert reply.json()["error"].startswith("bad request body: "), body
    assert api.call("GET", "/proxies/p/toxics").body == b"[]"


def test_slicer_sizes_toxiproxy_accepts_are_accepted(api, echo_upstream):
    """A slicer without attributes, or with a variation above the average, is created (200)
    and shown as given, as Toxiproxy does (what happens to data: test_toxic_slicer)."""
    api.create_proxy("p", echo_upstream)
    for name, attributes in (
        ("empty", {}),
        ("zero", {"average_size": 0, "size_variation": 0}),
        ("negative", {"average_size": 1, "size_variation": -1}),
        ("wide", {"average_size": 2, "size_variation": 3}),
    ):
        toxic = api.add_toxic("p", {"name": name, "type": "slicer", "attributes": attributes})
        assert toxic["attributes"] == {"average_size": 0, "size_variation": 0, "delay": 0} | (
            attributes
        )


@pytest.mark.differs("negative_bandwidth")
def test_negative_bandwidth_is_refused(api, echo_upstream):
    """bandwidth rate -1 is 400 here (Toxiproxy accepts it, then panics on data)."""
    api.create_proxy("p", echo_upstream)
    reply = api.call("POST", "/proxies/p/toxics", {"type": "bandwidth", "attributes": {"rate": -1}})
    assert reply.status == 400
    assert reply.json()["error"].startswith("bad request body: ")
    assert api.call("GET", "/proxies/p/toxics").body == b"[]"


def test_toxic_update_merges_and_keeps_toxicity(api, echo_upstream):
    """Update merges attributes, keeps an omitted toxicity and ignores name/type/stream."""
    api.create_proxy("p", echo_upstream)
    api.add_toxic(
        "p", {"type": "latency", "toxicity": 0.5, "attributes": {"latency": 10, "jitter": 10}}
    )
    for method in ("POST", "PATCH"):
        reply = api.call(
            method,
            "/proxies/p/toxics/latency_downstream",
            {"attributes": {"latency": 1000}, "type": "bandwidth", "name": "x"},
        )
        assert reply.status == 200
        assert reply.json() == {
            "attributes": {"latency": 1000, "jitter": 10},
            "name": "latency_downstream",
            "type": "latency",
            "stream": "downstream",
            "toxicity": 0.5,
        }
    reply = api.call("PATCH", "/proxies/p/toxics/latency_downstream", {"toxicity": 0.25})
    assert reply.json()["toxicity"] == 0.25
    assert api.call("PATCH", "/proxies/p/toxics/nope", {}).status == 404


def test_toxics_list_upstream_first(api, echo_upstream):
    """Toxics list upstream toxics first, then downstream, each in the order added."""
    api.create_proxy("p", echo_upstream)
    for name, stream in (
        ("d1", "downstream"),
        ("u1", "upstream"),
        ("d2", "downstream"),
        ("u2", "upstream"),
    ):
        api.add_toxic("p", {"name": name, "type": "noop", "stream": stream})
    names = [t["name"] for t in api.call("GET", "/proxies/p/toxics").json()]
    assert names == ["u1", "u2", "d1", "d2"]
    assert [t["name"] for t in api.call("GET", "/proxies/p").json()["toxics"]] == names


def test_delete_toxic_then_list_is_empty(api, echo_upstream):
    """DELETE of a toxic is 204 and the list is `[]` afterwards."""
    api.create_proxy("p", echo_upstream)
    api.add_toxic("p", {"type": "noop"})
    reply = api.call("DELETE", "/proxies/p/toxics/noop_downstream")
    assert (reply.status, reply.body) == (204, b"")
    assert api.call("GET", "/proxies/p/toxics").body == b"[]"


def test_reset_enables_and_clears_toxics(api, echo_upstream):
    """POST /reset is 204, re-enables every proxy and removes every toxic."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    api.add_toxic("p", {"type": "latency"})
    api.call("PATCH", "/proxies/p", {"enabled": False})
    reply = api.call("POST", "/reset", b"ignored body")
    assert (reply.status, reply.body) == (204, b"")
    proxy = api.call("GET", "/proxies/p").json()
    assert proxy["enabled"] is True and proxy["toxics"] == [] and proxy["listen"] == listen
    socket.create_connection(("127.0.0.1", int(listen.rsplit(":", 1)[1])), timeout=5).close()


def test_metrics_off_by_default(api):
    """Without metrics flags /metrics is the plain 404."""
    assert api.call("GET", "/metrics").body == b"404 page not found\n"


def test_proxy_metrics_count_finished_connections(proxy_metrics_api, echo_upstream, dial, recv):
    """With proxy metrics, a closed connection's bytes appear in both counters."""
    api = proxy_metrics_api
    listen = api.create_proxy("p", echo_upstream)["listen"]
    sock = dial(listen)
    sock.sendall(b"hello")
    assert recv(sock, 5) == b"hello"
    sock.close()
    labels = f'listener="{listen}",proxy="p",upstream="{echo_upstream}"'
    wanted = [
        f'toxiproxy_proxy_{kind}_bytes_total{{direction="{d}",{labels}}} 5'
        for kind in ("received", "sent")
        for d in ("upstream", "downstream")
    ]
    text = ""
    for _ in range(200):
        reply = api.call("POST", "/metrics")
        text = reply.body.decode()
        if all(line in text for line in wanted):
            break
    assert reply.status == 200 and all(line in text for line in wanted), text
    assert reply.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"


def test_runtime_metrics(runtime_metrics_api):
    """With runtime metrics, /metrics shows process figures."""
    reply = runtime_metrics_api.call("GET", "/metrics")
    assert reply.status == 200 and b"\nprocess_cpu_seconds_total " in reply.body
    assert reply.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"


def test_create_without_listen_binds_a_free_port(api, echo_upstream, dial, recv):
    """`listen` left out or "" binds every interface on a free port, shown as `[::]:PORT`
    (Go's `net.Listen("tcp", "")`); the proxy works on 127.0.0.1:PORT."""
    for name, extra in (("omitted", {}), ("empty", {"listen": ""}), ("null", {"listen": None})):
        reply = api.call("POST", "/proxies", {"name": name, "upstream": echo_upstream, **extra})
        assert reply.status == 201, (name, reply.body)
        listen = reply.json()["listen"]
        assert re.fullmatch(r"\[::\]:\d+", listen) and not listen.endswith(":0"), listen
        sock = dial(f"127.0.0.1:{listen.rsplit(':', 1)[1]}")
        sock.sendall(name.encode())
        assert recv(sock, len(name)) == name.encode()


def test_disabled_proxy_without_listen_binds_when_enabled(api, echo_upstream):
    """Created disabled with `listen` "", the proxy shows "" until enabled, then `[::]:PORT`."""
    body = {"name": "d", "upstream": echo_upstream, "listen": "", "enabled": False}
    assert api.call("POST", "/proxies", body).json()["listen"] == ""
    reply = api.call("POST", "/proxies/d", {"enabled": True})
    assert reply.status == 200
    assert re.fullmatch(r"\[::\]:[1-9]\d*", reply.json()["listen"]), reply.body
