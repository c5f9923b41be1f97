"""A server that words its refusals in Chinese (lc_messages = zh_CN) is still understood: the
refusal is read by its SQLSTATE, not by English words. The errors are the driver's own classes,
worded as such a server words them."""

from __future__ import annotations

import psycopg.errors as pg
import pytest
from sqlalchemy import exc as sa_exc

from mediation.db import _translated
from mediation.errors import DatabaseError


class _Db:
    url = "postgresql+psycopg://liumingshan@127.0.0.1:5432/town"


@pytest.mark.parametrize("error, said", [
    (pg.UndefinedTable('错误:  关系 "dispute_case" 不存在'), "no schema"),
    (pg.UndefinedColumn('错误:  字段 "notified_at" 不存在'), "upgrade"),
    (pg.InsufficientPrivilege("错误:  对表 party 权限不够"), "has no right to do that"),
    (pg.InvalidPassword('致命错误:  用户 "liumingshan" Password 认证失败'), "wrong password"),
    (pg.InvalidCatalogName('致命错误:  数据库 "town" 不存在'), "no database town"),
    (pg.LockNotAvailable("错误:  无法获得关系上的锁"), "busy"),
])
def test_a_chinese_server_is_understood_by_sqlstate(error, said):
    with pytest.raises(DatabaseError, match=said):
        with _translated(_Db()):
            raise sa_exc.ProgrammingError("SELECT 1", {}, error)
