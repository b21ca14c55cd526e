#!/usr/bin/env python3
"""Regenerates the demo data files in seed/data/ (deterministic; run once, commit the CSVs).

The files are the readable source of the demo: `qualify seed --demo` loads them through the
same services as the API, so they must pass the same validation.
"""
import csv
import random
from pathlib import Path

random.seed(20261128)
DATA = Path(__file__).parent / "data"

COUNTIES = [
    ("ES-ESS", "恩施市"), ("ES-LCS", "利川市"), ("ES-JSX", "建始县"), ("ES-BDX", "巴东县"),
    ("ES-XEX", "宣恩县"), ("ES-XFX", "咸丰县"), ("ES-LFX", "来凤县"), ("ES-HFX", "鹤峰县"),
]
SCHOOLS = [
    ("第一中学", "complete", (2600, 4800)), ("第二中学", "senior", (1800, 3600)),
    ("实验中学", "junior", (1100, 2400)), ("实验小学", "primary", (1200, 2600)),
    ("民族小学", "primary", (500, 1300)), ("九年一贯制学校", "nine_year", (300, 990)),
]
SURNAMES = "李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘向谭覃"
GIVEN = ["明", "芳", "伟", "丽", "强", "敏", "静", "磊", "军", "燕", "洋", "艳", "勇", "娟", "杰", "霞",
         "涛", "婷", "斌", "琳", "浩", "雪", "鹏", "慧", "晨", "佳", "欣", "宇", "倩", "凯"]
SUBJECTS = ["语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "政治", "音乐", "体育", "美术"]


def main() -> None:
    units = [["code", "name", "kind", "parent_code", "stage", "student_count"],
             ["ES", "恩施土家族苗族自治州", "prefecture", "", "", ""]]
    schools = []
    for county_code, county_name in COUNTIES:
        units.append([county_code, county_name, "county", "ES", "", ""])
        for index, (suffix, stage, (low, high)) in enumerate(SCHOOLS, start=1):
            code = f"{county_code}-{index:03d}"
            units.append([code, f"{county_name}{suffix}", "school", county_code, stage, random.randint(low, high)])
            schools.append((code, units[-1][5]))
    with open(DATA / "org_units.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(units)

    rows = [["employee_no", "name", "phone", "school_code", "roles", "email", "gender", "subject"]]
    number = 0
    phones = set()
    for school_index, (code, students) in enumerate(schools):
        size = 8 + students // 600
        fulltime = 0 if school_index % 5 == 4 else (1 if students < 2000 else 2)
        for i in range(size):
            number += 1
            roles = []
            if i < fulltime:
                roles.append("mh_fulltime")
            elif i < fulltime + 1:
                roles.append("mh_parttime")
            if i == size - 1:
                roles.append("school_leader")
            elif i == size - 2:
                roles.append("middle_manager")
            elif i >= fulltime and random.random() < 0.45:
                roles.append("head_teacher")
            if random.random() < 0.08:
                roles.append("key_teacher")
            while True:
                phone = f"139{random.randint(0, 99_999_999):08d}"
                if phone not in phones:
                    phones.add(phone)
                    break
            name = random.choice(SURNAMES) + "".join(random.sample(GIVEN, random.choice([1, 2])))
            subject = "心理健康" if "mh_fulltime" in roles else random.choice(SUBJECTS)
            employee_no = f"ES{number:05d}"
            rows.append([employee_no, name, phone, code, "|".join(roles),
                         f"{employee_no.lower()}@es.edu.cn", random.choice(["male", "female"]), subject])
    # The demo teacher logs in as `teacher`: make sure the first one is a head teacher.
    if "head_teacher" not in rows[1][4]:
        rows[1][4] = "|".join(filter(None, [rows[1][4], "head_teacher"]))
    with open(DATA / "teachers.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)


if __name__ == "__main__":
    main()
