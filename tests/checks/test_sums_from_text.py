from checks import run_checks
from tests.checks.text import facts_of

ITEMS = [
    "โครงการที่ได้รับการคัดเลือกมีดังนี้",
    "๑. โครงการติดตั้งระบบทำความเย็นประสิทธิภาพสูงในโรงงาน ลดการปล่อยก๊าซเรือนกระจกได้ 646 ตันต่อปี",
    "๒. โครงการติดตั้งหม้อไอน้ำประสิทธิภาพสูง ลดการปล่อยก๊าซเรือนกระจกได้ 798 ตันต่อปี",
    "๓. โครงการผลิตไฟฟ้าจากพลังงานแสงอาทิตย์ ลดการปล่อยก๊าซเรือนกระจกได้ 6,000 ตันต่อปี",
    "๔. โครงการเปลี่ยนเครื่องปรับอากาศ ลดการปล่อยก๊าซเรือนกระจกได้ 772 ตันต่อปี",
]


def test_thai_list_against_an_approximate_total_rounded_to_hundreds_raises_nothing():
    assert run_checks(facts_of(*ITEMS, "รวมลดการปล่อยก๊าซเรือนกระจกประมาณ 8,200 ตันต่อปี")) == []


def test_thai_list_against_a_total_a_thousand_off_is_an_error():
    [warning] = run_checks(facts_of(*ITEMS, "รวมลดการปล่อยก๊าซเรือนกระจกประมาณ 9,200 ตันต่อปี"))
    assert warning.rule == "sum_of_parts" and (warning.expected, warning.found) == (9200, 8216)
