"""Errors as people should meet them: a page in Chinese that says what went wrong and
what to do next (or, under /api/, JSON with the same status), never a stack trace.

    QueryError          400, naming the parameter at fault
    bad URL encoding    400: a query string that is not UTF-8 (raw bytes a browser never sends)
    404 and other HTTP  their status, a friendly page
    IndexUnavailable    503, the index cannot be read right now
    anything else       500, logged with its traceback, shown without details
"""
from __future__ import annotations

from typing import Any

from flask import (
    Flask,
    Response,
    current_app,
    jsonify,
    make_response,
    render_template,
    request,
)
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, HTTPException

from indexer.index.contract import IndexUnavailable
from indexer.query import QueryError

# What each parameter is called on the page.
PARAMETER_LABELS = {
    "q": "搜索词", "查询": "搜索词", "金额": "金额", "年度": "年度", "类型": "类型", "记录": "记录类型",
    "表": "报表种类", "单位": "单位", "地区": "地区",
    "min": "金额下限", "max": "金额上限", "unit_money": "金额单位", "sort": "排序方式", "page": "页码",
    "limit": "每页条数", "unit": "单位", "year": "年度", "kind": "类型", "type": "记录类型",
    "table_kind": "报表种类", "region": "地区", "row": "行号", "measure": "对比的指标或项目",
}
TITLES = {
    400: "请求有误", 403: "无权访问", 404: "找不到这个页面", 405: "不支持这种请求方式",
    413: "请求过大", 414: "网址过长", 429: "请求过于频繁", 500: "服务器出错了", 503: "暂时无法检索",
}
MESSAGES = {
    400: "请求中的参数无法理解。",
    403: "这个页面不对外开放。",
    404: "您要找的页面不存在。网址可能有误，或者文档已被删除、重新索引。",
    405: "这个网址不接受这种请求方式。",
    413: "提交的内容过大。",
    414: "网址过长，请减少搜索条件。",
    429: "请稍候再试。",
    500: "处理您的请求时出现了意外错误，我们已经记录下来。请稍后再试，或返回首页重新搜索。",
    503: "索引暂时无法读取（可能正在更新）。请稍后再试。",
}


BAD_ENCODING = "网址中的参数不是有效的 UTF-8 编码，请检查链接是否完整，或重新输入搜索词。"


def register(app: Flask) -> None:
    @app.before_request
    def query_string_is_utf8():
        # Werkzeug decodes the raw query string strictly when a view first reads
        # request.args: raw non-UTF-8 bytes (percent-escapes are fine) would be a 500.
        try:
            request.query_string.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest(description=BAD_ENCODING) from None

    @app.errorhandler(QueryError)
    def query_error(error: QueryError):
        return _respond(400, error.message, parameter=error.field)

    @app.errorhandler(IndexUnavailable)
    def index_unavailable(error: IndexUnavailable):
        app.logger.error("index unavailable: %s", error)
        return _respond(503, MESSAGES[503])

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        message = MESSAGES.get(code, "请求无法完成。")
        # Our own abort(404, description="…") messages are Chinese and meant for the reader;
        # werkzeug's default English descriptions are replaced by ours.
        if error.description and error.description != type(error).description:
            message = error.description
        response = _respond(code, message)
        if code == 405 and getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return _respond(500, MESSAGES[500])


def _without(parameter: str | None) -> str | None:
    """The same search without the parameter at fault (None when the fault is inside q)."""
    from urllib.parse import urlencode

    args = _args()
    if not parameter or parameter not in args:
        return None
    pairs = [(k, v) for k, values in args.lists() for v in values if k != parameter and k != "page"]
    return "/search" + ("?" + urlencode(pairs) if pairs else "")


def _args() -> MultiDict:
    """The request's arguments, or none when its query string cannot be decoded."""
    try:
        return request.args
    except UnicodeDecodeError:
        return MultiDict()


def _respond(status: int, message: str, parameter: str | None = None) -> Response:
    if request.path.startswith("/api/"):
        response = jsonify({"error": message, "parameter": parameter})
        response.status_code = status
        return response
    context: dict[str, Any] = {
        "status": status, "title": TITLES.get(status, "出错了"), "message": message, "parameter": parameter,
        "parameter_label": PARAMETER_LABELS.get(parameter or "", parameter),
        "on_search": status == 400 and (request.path == "/search" or request.path.startswith("/search.")),
        "q": _args().get("q", "") if status == 400 else "",
        "retry_url": _without(parameter) if status == 400 and request.path == "/search" else None,
    }
    try:
        return make_response(render_template("error.html", **context), status)
    except Exception:  # the error page itself failed: plain text, still no details
        current_app.logger.exception("error page failed")
        body = f"{status} {TITLES.get(status, '出错了')}\n{message}\n"
        return Response(body, status=status, mimetype="text/plain")
