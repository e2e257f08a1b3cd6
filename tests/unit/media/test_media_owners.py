"""Owner kinds and the upload's states (pure rules)."""
from datetime import datetime, timedelta, timezone

from services.media.domain.owners import (
    EXPIRED,
    KINDS,
    MEMBER_PHOTO,
    PENDING,
    REJECTED,
    VERIFIED,
    VERIFYING,
    claim_refusal,
)

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=timezone.utc)
LATER = NOW + timedelta(minutes=15)


def test_member_photos_accept_the_official_formats_up_to_5mb():
    kind = KINDS[MEMBER_PHOTO]
    assert kind.declared_errors("image/png", 1000) == {}
    assert kind.declared_errors("application/pdf", 1000) == {"content_type": "仅支持JPG、PNG、GIF、BMP格式的图片"}
    assert kind.declared_errors("image/jpeg", 6 * 1024 * 1024) == {"size": "图片不能超过5MB"}
    for size in (0, -1, True, "12", None):
        assert kind.declared_errors("image/jpeg", size) == {"size": "文件大小应为正整数（字节）"}


def test_only_a_pending_unexpired_upload_may_be_claimed():
    assert claim_refusal(PENDING, LATER, NOW) is None
    assert claim_refusal(PENDING, NOW, NOW) == "上传已过期，请重新上传"
    assert claim_refusal(VERIFYING, LATER, NOW) == "该上传正在校验，请稍候查看结果"
    for done in (VERIFIED, REJECTED):
        assert claim_refusal(done, LATER, NOW) == "该上传已处理，请重新上传"
    assert claim_refusal(EXPIRED, LATER, NOW) == "上传已过期，请重新上传"

