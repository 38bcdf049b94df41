//! Layouts read by meaning: value columns named with qualifiers, grids
//! without level columns, a band whose value label is merged down from
//! above, direction columns, rows after the grid, flat projects by identity,
//! template prompts. Each input is a text dump (a cell a line starting with
//! a tab, a blank line ends a row), the cheapest grid to write by hand.

use jixiao::convert::convert_bytes;
use jixiao::limits::Limits;
use serde_json::Value;

fn tables(dump: &str) -> Vec<Value> {
    let n = convert_bytes(dump.as_bytes(), "t.txt", &Limits::default()).unwrap();
    n.tables
        .iter()
        .map(|t| serde_json::to_value(t).unwrap())
        .collect()
}

/// Rows of cells → a text dump.
fn dump(head: &str, rows: &[&[&str]]) -> String {
    let mut s = format!("{head}\n");
    for r in rows {
        for c in *r {
            s.push('\t');
            s.push_str(c);
            s.push('\n');
        }
        s.push('\n');
    }
    s
}

#[test]
fn value_columns_named_with_qualifiers_are_the_target() {
    for label in [
        "2024年度指标值",
        "本年指标值",
        "绩效目标值",
        "年度目标指标值",
        "*年度指标值（定量填数字）",
        "年度 指标值",
    ] {
        let d = dump(
            "项目支出绩效目标表",
            &[
                &["项目名称", "某项目", "", ""],
                &["一级指标", "二级指标", "三级指标", label],
                &["产出指标", "数量指标", "培训人次", "≥300人次"],
            ],
        );
        let t = &tables(&d)[0];
        assert_eq!(t["indicators"][0]["target"]["raw"], "≥300人次", "{label}");
        assert_eq!(t["incomplete"], serde_json::json!([]), "{label}");
    }
}

#[test]
fn a_grid_without_level_columns_is_an_indicator_grid() {
    let d = dump(
        "项目支出绩效目标表",
        &[
            &["项目名称", "某项目", "", "", ""],
            &["指标名称", "权重", "指标性质", "指标值", "计量单位"],
            &["培训人次", "20", "≥", "300", "人次"],
            &["满意度", "10", "不低于", "90", "%"],
        ],
    );
    let t = &tables(&d)[0];
    let i = &t["indicators"];
    assert_eq!(i.as_array().unwrap().len(), 2);
    assert_eq!(i[0]["level1"], Value::Null);
    assert_eq!(i[0]["level3"], "培训人次");
    assert_eq!(i[0]["weight"], "20");
    assert_eq!(i[0]["target"]["raw"], "≥300人次");
    assert_eq!(i[1]["target"]["op"], ">=");
    assert_eq!(i[1]["target"]["value"], "90");
}

#[test]
fn a_direction_column_is_not_a_comparator() {
    let d = dump(
        "项目支出绩效目标表",
        &[
            &["项目名称", "某项目", "", "", ""],
            &["一级指标", "二级指标", "三级指标", "指标方向", "指标值"],
            &["产出指标", "数量指标", "培训人次", "正向", "≥300人次"],
            &["", "质量指标", "投诉率", "≤", "5%"],
        ],
    );
    let t = &tables(&d)[0];
    let i = &t["indicators"];
    assert_eq!(i[0]["target"]["raw"], "≥300人次");
    assert_eq!(i[0]["extra"]["指标方向"], "正向");
    assert_eq!(i[1]["target"]["raw"], "≤5%");
}

#[test]
fn rows_after_the_grid_belong_to_the_table() {
    let d = dump(
        "项目支出绩效目标表",
        &[
            &["项目名称", "某项目", "", ""],
            &["一级指标", "二级指标", "三级指标", "指标值"],
            &["产出指标", "数量指标", "培训人次", "≥300人次"],
            &["评价结论", "优", "", ""],
            &["填表人：张三  审核人：李四", "", "", ""],
            &["注：本表金额单位为万元", "", "", ""],
        ],
    );
    let t = &tables(&d)[0];
    assert_eq!(t["indicators"].as_array().unwrap().len(), 1);
    assert_eq!(
        t["extra"],
        serde_json::json!({"评价结论": "优", "填表人": "张三", "审核人": "李四", "注": "本表金额单位为万元"})
    );
    assert_eq!(t["notes"], serde_json::json!([]));
}

#[test]
fn template_prompts_are_never_a_value() {
    let d = dump(
        "项目支出绩效目标表",
        &[
            &["项目名称", "某项目", "项目负责人", "XX"],
            &["一级指标", "二级指标", "三级指标", "指标值"],
            &["产出指标", "数量指标", "培训人次", "≥300人次"],
        ],
    );
    let t = &tables(&d)[0];
    assert_eq!(t["extra"], serde_json::json!({}));
}

#[test]
fn a_flat_project_is_the_identity_of_its_project_columns() {
    let d = dump(
        "",
        &[
            &[
                "单位代码",
                "项目名称",
                "一级指标",
                "二级指标",
                "三级指标",
                "指标值",
            ],
            &[
                "505006",
                "甲项目",
                "产出指标",
                "数量指标",
                "培训人次",
                "≥300人次",
            ],
            &["505006", "", "", "质量指标", "合格率", "≥95%"],
            &["", "", "", "", "", ""],
            &[
                "505006",
                "甲项目",
                "效益指标",
                "社会效益指标",
                "受益人数",
                "≥100人",
            ],
            &["505006", "乙项目", "产出指标", "数量指标", "场次", "≥3场"],
        ],
    );
    let t = tables(&d);
    assert_eq!(t.len(), 2, "{t:#?}");
    assert_eq!(t[0]["project_name"], "甲项目");
    assert_eq!(t[0]["indicators"].as_array().unwrap().len(), 3);
    assert_eq!(t[1]["project_name"], "乙项目");
}

#[test]
fn a_label_and_its_value_in_one_cell_are_split() {
    let d = dump(
        "项目支出绩效目标表",
        &[
            &["项目名称", "某项目", "", ""],
            &[
                "年度资金总额：120.50",
                "其中：财政拨款 100.00",
                "其他资金 20.50",
                "",
            ],
            &["项目负责人：王五  联系电话：1234", "", "", ""],
            &["一级指标", "二级指标", "三级指标", "指标值"],
            &["产出指标", "数量指标", "培训人次", "≥300人次"],
        ],
    );
    let t = &tables(&d)[0];
    assert_eq!(
        t["budget"],
        serde_json::json!({"total": "120.50", "fiscal": "100.00", "other": "20.50"})
    );
    assert_eq!(
        t["extra"],
        serde_json::json!({"项目负责人": "王五", "联系电话": "1234"})
    );
    assert_eq!(t["incomplete"], serde_json::json!([]));
}

#[test]
fn labels_above_their_values_and_goals_under_a_heading_row() {
    let d = dump(
        "项目支出绩效目标表",
        &[
            &["项目名称", "主管部门", "实施单位", "项目负责人"],
            &["某项目", "某局", "某中心", "王五"],
            &["年度绩效目标（2024年）", "", "", ""],
            &["1.完成A；2.完成B", "", "", ""],
            &["一级指标", "二级指标", "三级指标", "本年度指标值"],
            &["产出指标", "数量指标", "培训人次", "≥300人次"],
        ],
    );
    let t = &tables(&d)[0];
    assert_eq!(t["project_name"], "某项目");
    assert_eq!(t["unit_name"], "某中心");
    assert_eq!(t["goals"], serde_json::json!(["完成A", "完成B"]));
    assert_eq!(
        t["extra"],
        serde_json::json!({"项目负责人": "王五", "主管部门": "某局"})
    );
    assert_eq!(t["notes"], serde_json::json!([]));
    assert_eq!(t["incomplete"], serde_json::json!([]));
}

/// Regional forms tried as a new user would (invented rows in the shapes
/// LAYOUTS.md describes): 浙江-style grid without levels, with direction and
/// scoring-rule columns, and an 审核意见 row after the grid.
#[test]
fn a_grid_with_direction_weight_and_rules_columns() {
    let d = dump(
        "浙江某县2024年项目绩效目标表",
        &[
            &["项目名称", "农村公路养护", "", "", "", ""],
            &[
                "资金总额（万元）",
                "800",
                "其中：财政资金",
                "800",
                "其他资金",
                "0",
            ],
            &["年度绩效目标", "完成农村公路养护1200公里", "", "", "", ""],
            &[
                "指标名称",
                "指标方向",
                "目标值",
                "计量单位",
                "权重",
                "评分标准",
            ],
            &["养护里程", "正向", "1200", "公里", "30", "完成得满分"],
            &["优良路率", "正向", "80", "%", "30", "每低1%扣1分"],
            &["审核意见", "同意", "", "", "", ""],
        ],
    );
    let t = &tables(&d)[0];
    assert_eq!(t["money_unit"], "万元");
    assert_eq!(
        t["budget"],
        serde_json::json!({"total": "800", "fiscal": "800", "other": "0"})
    );
    assert_eq!(t["extra"], serde_json::json!({"审核意见": "同意"}));
    let i = &t["indicators"];
    assert_eq!(i.as_array().unwrap().len(), 2);
    assert_eq!(i[1]["level3"], "优良路率");
    assert_eq!(i[1]["target"]["raw"], "80%");
    assert_eq!(i[1]["weight"], "30");
    assert_eq!(
        i[1]["extra"],
        serde_json::json!({"指标方向": "正向", "评分标准": "每低1%扣1分"})
    );
    assert_eq!(t["incomplete"], serde_json::json!([]));
}

#[test]
fn a_department_table_is_not_missing_a_project_name() {
    let bytes = std::fs::read("tests/data/department.html").unwrap();
    let n = convert_bytes(&bytes, "department.html", &Limits::default()).unwrap();
    let t = &n.tables[0];
    assert_eq!(t.kind, jixiao::model::TableKind::Department);
    assert_eq!(t.incomplete, vec![]);
}
