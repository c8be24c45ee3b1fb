/* i18n.c - the one translation table (English key -> Chinese) and sl_tr. */
#include "util/i18n.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The table.  The key is the English text exactly as English output writes
 * it (so a key may already carry Chinese words: the English report is
 * bilingual); the value is what a Chinese run writes.  Formats keep their
 * conversions in order (tests/test_i18n.c).  Terms follow Chinese planning
 * usage: 容积率 FAR, 建筑系数 coverage, 用地面积 site area, 建筑面积 GFA,
 * 计容建筑面积 counted GFA, 层高 storey height, 楼面荷载 floor load, 亩均税收
 * tax per mu, 技术经济指标 indicators, 改造 redeveloped, 保留 kept, 候选
 * candidate, 产业链 chain, 净现值 NPV, 投资回收期 payback.  Rows are grouped
 * by the file that uses them; order does not matter.
 */
static const struct {
    const char *en, *zh;
} table[] = {
    /* reasons: candidacy (eval/rules.c), rejections and plan rules (eval/evaluate.c) */
    {"; ", "；"},
    {"(null)", "（空）"},
    {"land use '%s' is not industrial", "用地性质“%s”不是工业用地"},
    {"area %s m2 below min_area_m2 %s", "用地面积 %s m² 小于候选最小面积 %s m²"},
    {"FAR %s below %s", "容积率 %s 低于 %s"},
    {"tax %s CNY/mu below %s", "亩均税收 %s 元/亩 低于 %s 元/亩"},
    {"FAR %s not below %s", "容积率 %s 不低于 %s"},
    {"tax per mu unknown", "亩均税收未知"},
    {"tax %s CNY/mu not below %s", "亩均税收 %s 元/亩 不低于 %s 元/亩"},
    {"FAR unknown: parcels.fields maps neither current_gfa nor current_far",
     "容积率未知：情景文件未指定现状建筑面积或现状容积率的字段"},
    {"FAR unknown: current_gfa (field %s) and current_far (field %s) are null",
     "容积率未知：现状建筑面积（字段 %s）和现状容积率（字段 %s）均为空"},
    {"FAR unknown: current_gfa (field %s) is null", "容积率未知：现状建筑面积（字段 %s）为空"},
    {"FAR unknown: current_far (field %s) is null", "容积率未知：现状容积率（字段 %s）为空"},
    {"current floor space unknown, taken as 0", "现状建筑面积未知，按 0 计"},
    {" with the pin's rules", "（按指定地块的规则）"},
    {"cannot be redeveloped under rule set '%s'%s (setback): footprint %.0f m2 inside the %g m "
     "setback is below coverage_min %g x area %.0f m2 = %.0f m2",
     "按规则集“%s”%s无法改造（退线）：退线后可建占地 %.0f m²（退线 %g m）小于最小建筑系数 %g × "
     "用地面积 %.0f m² = %.0f m²"},
    {"cannot be redeveloped under rule set '%s'%s (floor_plate): factory footprint %.0f m2 is "
     "below factory_floor_plate_min_m2 %g m2",
     "按规则集“%s”%s无法改造（标准层）：厂房占地 %.0f m² 小于厂房最小标准层面积 %g m²"},
    {"excluded from the plan by plan.exclude", "按情景文件的排除清单不参与规划"},
    {"null id", "地块编号为空"},
    {"duplicate id", "地块编号重复"},
    {"geometry cannot be read: %s", "几何图形无法读取：%s"},
    {"zero area", "面积为零"},
    /* reasons: geometry verdicts (input/source.c) */
    {"no geometry", "没有几何图形"},
    {"curved geometry linearised", "曲线几何已转为折线"},
    {"geometry is %s, not a polygon", "几何类型为 %s，不是面"},
    {"empty geometry", "几何图形为空"},
    {"unclosed ring closed", "未闭合的环已闭合"},
    {"a polygon ring has fewer than 3 points", "面的环少于 3 个点"},
    {"invalid geometry that MakeValid cannot repair into a polygon",
     "几何图形无效，且无法修复为面"},
    {"invalid geometry repaired with MakeValid", "无效几何图形已自动修复"},
    {"out of memory", "内存不足"},
    {"; an easting of 13,000,000 or more carries a zone prefix: use the zone-prefixed CRS (e.g. "
     "EPSG:4526 instead of EPSG:4547)",
     "；东坐标不小于 13,000,000 时带有带号：请使用带带号的坐标系（如 EPSG:4526，而非 EPSG:4547）"},
    {"coordinates cannot be transformed from %s to geographic coordinates (outside the CRS's valid "
     "area)%s",
     "坐标无法从 %s 转换为地理坐标（超出该坐标系的有效范围）%s"},
    {"coordinates outside the valid range of %s%s", "坐标超出 %s 的有效取值范围%s"},
    {"coordinates lie outside the area of use of %s (%.1f–%.1f°E, %.1f–%.1f°N)%s",
     "坐标位于 %s 的适用范围之外（东经 %.1f–%.1f°，北纬 %.1f–%.1f°）%s"},
    /* reasons: kept candidates (plan/solve.c) */
    {"kept: excluded from the plan by plan.exclude", "保留：按情景文件的排除清单不参与规划"},
    {"kept: the setback of %g m leaves a footprint of %.0f m², below coverage_min %.2f × %.0f m² = "
     "%.0f m²",
     "保留：退线 %g m 后可建占地仅 %.0f m²，小于最小建筑系数 %.2f × %.0f m² = %.0f m²"},
    {"kept: its factory floor plate would be %.0f m², below factory_floor_plate_min_m2 %.0f m²",
     "保留：厂房标准层仅 %.0f m²，小于厂房最小标准层面积 %.0f m²"},
    {"kept: it would lose floor space (current %.0f m² > at most %.0f m² under the rules)",
     "保留：改造会减少建筑面积（现状 %.0f m² > 按规则最多 %.0f m²）"},
    {"kept: no stack of storeys meets every rule on this parcel (heights, loads, FAR %.2f-%.2f, "
     "coverage, current floor space %.0f m²)",
     "保留：本地块没有满足全部规则的楼层组合（高度、楼面荷载、容积率 "
     "%.2f–%.2f、建筑系数、现状建筑面积 %.0f m²）"},
    {"kept: worth less rebuilt than as it is (its best stack adds %.0f m²-eq after today's %.0f m² "
     "× existing_value %g)",
     "保留：改造后价值不如现状（最佳楼层组合扣除现状后仅增加 %.0f m²当量；现状 %.0f m² × "
     "现状价值系数 %g）"},
    {"kept: demand for the industries it could hold is met by parcels worth more (at "
     "demand_m2.max, or less than one of its floor plates below it:",
     "保留：可入驻产业的需求已由价值更高的地块满足（已达需求上限，或距上限不足本地块一层楼面："},
    {"%s %s %.0f m²", "%s%s %.0f m²"},
    {"%s %s %.0f of %.0f m²", "%s%s %.0f / %.0f m²"},
    {",", "，"},
    {")", "）"},
    {"kept: not in the best plan found (the search stopped with the gap open; a longer time limit "
     "may redevelop it)",
     "保留：未进入已找到的最佳方案（求解停止时间隙未闭合，延长求解时间可能改造此地块）"},
    {"kept: the optimal plan does better without it (demand minimums, pins and the "
     "one-chain-per-building rule shape the rest of the zone)",
     "保留：最优方案不改造此地块更好（需求下限、指定地块和“一栋楼一条产业链”规则决定了片区其余地块"
     "的安排）"},
    /* values: parcel status (out/parcels_layer.c, out/styles.c), plan status, stop reasons, grades */
    {"status\004candidate", "候选"},
    {"status\004not_candidate", "非候选"},
    {"status\004rejected", "剔除"},
    {"status\004redeveloped", "改造"},
    {"status\004kept", "保留"},
    {"plan\004optimal", "最优"},
    {"plan\004feasible", "可行"},
    {"plan\004infeasible", "无可行解"},
    {"plan\004no_plan", "未找到方案"},
    {"stop\004gap", "达到目标间隙"},
    {"stop\004time_limit", "达到时间上限"},
    {"stop\004interrupted", "用户中断"},
    {"grade\004A", "A类"},
    {"grade\004B", "B类"},
    {"grade\004C", "C类"},
    {"grade\004D", "D类"},
    /* column headers of parcels.csv (out/parcels_layer.c): the unit in brackets */
    {"id", "地块编号"},
    {"status", "状态"},
    {"reason", "原因"},
    {"land_use", "用地性质"},
    {"area_m2", "用地面积(m²)"},
    {"current_gfa_m2", "现状建筑面积(m²)"},
    {"current_far", "现状容积率"},
    {"tax_per_mu_cny", "亩均税收(元/亩)"},
    {"gain_m2", "可增建筑面积(m²)"},
    {"gfa_m2", "规划建筑面积(m²)"},
    {"counted_gfa_m2", "计容建筑面积(m²)"},
    {"far", "规划容积率"},
    {"coverage", "建筑系数"},
    {"factory_footprint_m2", "厂房占地面积(m²)"},
    {"office_footprint_m2", "办公占地面积(m²)"},
    {"factory_floors", "厂房层数"},
    {"factory_height_m", "厂房高度(m)"},
    {"office_floors", "办公层数"},
    {"office_height_m", "办公高度(m)"},
    {"value_m2eq", "目标贡献(m²当量)"},
    {"stack", "竖向布局"},
    {"chains", "产业链"},
    {"neighbour_bonus_m2", "邻近集聚奖励(m²当量)"},
    {"start_year", "启动年份"},
    {"in_use_year", "投用年份"},
    {"grade", "亩均评价等级"},
    {"capex_cny", "改造投资(元)"},
    {"noi_cny_year", "净经营收入(元/年)"},
    {"tax_cny_year", "税收(元/年)"},
    {"payback_years", "投资回收期(年)"},
    {"npv_cny", "净现值(元)"},
    {"tax_per_mu_after_cny", "改造后亩均税收(元/亩)"},
    {"grade_after", "改造后亩均评价等级"},
    {"%s_max_gfa_m2", "%s_最大建筑面积(m²)"},
    {"%s_binding", "%s_控制因素"},
    {"%s_factory_floors", "%s_厂房层数"},
    {"%s_office_floors", "%s_办公层数"},
    /* comparison.csv and comparison.html (out/compare.c) */
    {"scenario", "情景"},
    {"file", "文件"},
    {"plan_rules", "规划规则集"},
    {"stop_reason", "停止原因"},
    {"parcels", "地块数"},
    {"candidates", "候选地块数"},
    {"redeveloped", "改造地块数"},
    {"gfa_gain_m2", "新增建筑面积(m²)"},
    {"clustering_m2eq", "产业链集聚(m²当量)"},
    {"objective", "目标值(m²当量)"},
    {"bound", "上界(m²当量)"},
    {"gap", "间隙"},
    {"gfa_%s_m2", "%s_建筑面积(m²)"},
    {"shanglou — scenario comparison 方案比选", "shanglou — 方案比选"},
    {"方案比选 Scenario comparison", "方案比选"},
    {"Each scenario's plan solved on its own parcels (<code>shanglou compare</code>); the numbers "
     "are those of its <code>shanglou plan</code> summary.json.",
     "每个情景按其自身地块分别求解（<code>shanglou compare</code>），数值与其 <code>shanglou "
     "plan</code> 的 summary.json 相同。"},
    {"Summary 概要", "概要"},
    {" · rules ", " · 规则集 "},
    {"stop reason 停止原因", "停止原因"},
    {"— (infeasibility proven)", "—（已证明无可行解）"},
    {"candidates 低效工业用地", "低效工业用地（候选）"},
    {"redeveloped 改造地块", "改造地块"},
    {"GFA before 改造前建面 m²", "改造前建筑面积 m²"},
    {"GFA after 改造后建面 m²", "改造后建筑面积 m²"},
    {"GFA gain 新增建面 m²", "新增建筑面积 m²"},
    {"clustering 产业链集聚 m²-eq", "产业链集聚 m²当量"},
    {"objective 目标值 m²-eq", "目标值 m²当量"},
    {"bound 上界 m²-eq", "上界 m²当量"},
    {"gap %", "间隙 %"},
    {"—: nothing to show — no plan (status no_plan or infeasible), or no bound proven yet (bound "
     "and gap); never read it as 0.",
     "—：无数值可示——没有方案（未找到方案或无可行解），或尚未证明上界（上界与间隙）；切勿当作 0。"},
    {"Clustering: the chain-link bonuses of the objective — for every chain link and parcel, the "
     "link's weight × the same-building bonus when both industries are in the building, plus × the "
     "adjacent-floor bonus when they are on neighbouring floors of one block (docs/outputs.md).",
     "产业链集聚：目标函数中的产业链关联奖励——对每条产业链关联和每个地块，两个产业同在一栋楼时计关"
     "联权重 × 同楼奖励，位于同一栋楼相邻楼层时再加关联权重 × 相邻楼层奖励（见 "
     "docs/outputs.md）。"},
    {"GFA per industry 各产业建筑面积 m²", "各产业建筑面积 m²"},
    /* QGIS styles and legends (out/styles.c, out/buildings_layer.h) */
    {"FAR unknown", "容积率未知"},
    {"改造 redeveloped", "改造"},
    {"低效候选 candidate", "低效候选"},
    {"保留 kept", "保留"},
    {"非候选 not candidate", "非候选"},
    {"数据有误 rejected", "剔除（数据有误）"},
    {"配套 shared services", "配套"},
    {"多链 several chains", "多链"},
    {"shanglou: parcels by status, labelled with id and FAR",
     "shanglou：地块按状态分类，标注地块编号和容积率"},
    {"shanglou: building footprints by the chain they are themed with, labelled with floors and "
     "height",
     "shanglou：建筑按所属产业链分类，标注层数和高度"},
    {"shanglou: storeys by industry (one colour family per chain); 3-D: extruded base_m to top_m",
     "shanglou：楼层按产业分类（每条产业链一个色系）；三维：自 base_m 拉伸至 top_m"},
    /* the stacking plans (out/report.c) */
    {"office", "办公"},
    {"factory", "厂房"},
    {"%s L%d: ", "%s %d 层："},
    {" (", "（"},
    {"), %.2f m, %.0f m², load %g kN/m² (slab cap %g)",
     "），层高 %.2f m，%.0f m²，楼面荷载 %g kN/m²（楼板设计荷载 %g）"},
    {"办公 office", "办公"},
    {"厂房 factory", "厂房"},
    {" · %dF · %.1f m · ", " · %d 层 · %.1f m · "},
    {" m²/floor", " m²/层"},
    {"限高 cap %g m", "限高 %g m"},
    {" stacking plan", " 竖向布局图"},
    {" 竖向布局 stacking plan", " 竖向布局图"},
    {"GFA ", "建筑面积 "},
    {" m² · FAR ", " m² · 容积率 "},
    {" · site ", " · 用地面积 "},
    {" m² · per storey: height m · floor load / slab cap kN/m² · block widths: the floor plate's "
     "side, to scale",
     " m² · 层高 m · 荷载/设计荷载 kN/m² · 宽度按标准层边长"},
    /* report.html (out/report.c) */
    {" — shanglou plan report", " — shanglou 规划方案报告"},
    {" — shanglou evaluate report", " — shanglou 低效用地评估报告"},
    {"工业上楼 plan 规划方案", "工业上楼规划方案"},
    {"evaluate 低效用地评估", "低效用地评估"},
    {" · scenario ", " · 情景文件 "},
    {" · parcels ", " · 地块数据 "},
    {") · plan rule set ", "）· 规划规则集 "},
    {"片区概况 Zone summary", "片区概况"},
    {"parcels 地块", "地块数"},
    {"area 面积 m²", "用地面积 m²"},
    {"current GFA 现状建面 m²", "现状建筑面积 m²"},
    {"all 全部", "全部"},
    {"redeveloped 改造", "改造"},
    {"kept 保留", "保留"},
    {"not candidates 非候选", "非候选"},
    {"rejected 数据有误", "剔除（数据有误）"},
    {"Candidates could gain up to %s m² of floor area under the plan rule set <b>%s</b> (sum of "
     "<code>gain_m2</code>).",
     "候选地块最多可增加建筑面积 %s m²（按规划规则集 <b>%s</b>，即各候选地块可增建筑面积之和）。"},
    {"规则对比 Rule sets", "规则对比"},
    {"rule set", "规则集"},
    {"FAR cap", "容积率上限"},
    {"factory m", "厂房限高 m"},
    {"office m", "办公限高 m"},
    {"candidates' max GFA m²", "候选地块最大建筑面积 m²"},
    {"bound by FAR / height / setback / floor plate", "控制因素：容积率 / 高度 / 退线 / 标准层"},
    {"低效工业用地 Candidates, by gain", "低效工业用地（按可增建筑面积排序）"},
    {"land use", "用地性质"},
    {"area m²", "用地面积 m²"},
    {"current GFA m²", "现状建筑面积 m²"},
    {"FAR", "容积率"},
    {"tax CNY/mu", "亩均税收 元/亩"},
    {" max GFA m²", " 最大建筑面积 m²"},
    {"gain m²", "可增建筑面积 m²"},
    {"optimal 最优", "最优"},
    {"feasible 可行 (a plan meeting every rule; gap not proven small)",
     "可行（方案满足全部规则，但未证明间隙足够小）"},
    {"infeasible 无可行解", "无可行解"},
    {"no plan yet 未找到方案 (stopped before any plan was found)",
     "未找到方案（求解在找到任何方案前停止）"},
    {"gap 达到目标间隙 (the gap reached plan.gap)", "达到目标间隙（间隙已达到设定值）"},
    {"time_limit 达到时间上限 (plan.time_limit_s ran out)", "达到时间上限（求解时间已用完）"},
    {"interrupted 用户中断 (Ctrl-C: the best plan found so far)",
     "用户中断（Ctrl-C：目前找到的最佳方案）"},
    {"— (not proven)", "—（未证明）"},
    {"— (no plan)", "—（无方案）"},
    {"优化结果 Optimizer", "优化结果"},
    {"objective 目标值 (m²-eq)", "目标值（m²当量）"},
    {"bound 上界 (m²-eq)", "上界（m²当量）"},
    {"solve time s", "求解时间 s"},
    {"gap in %: (bound − objective) / max(|objective|, 1); bound and gap read “— (not proven)” "
     "when the search stopped before proving any bound. The objective counts new floor area "
     "weighted by industry priority, minus the floor area given up, plus the chain-link bonuses "
     "(docs/model.md).",
     "间隙（%）=（上界 − 目标值）/ max(|目标值|, "
     "1)"
     "；求解在证明任何上界之前停止时，上界和间隙显示为“—（未证明）”。目标值为按产业优先级加权的新增"
     "建筑面积，减去放弃的现状建筑面积，加上产业链关联奖励（见 docs/model.md）。"},
    {"产业需求 Industries against demand", "产业需求"},
    {"industry 产业", "产业"},
    {"chain 产业链", "产业链"},
    {"GFA m²", "建筑面积 m²"},
    {"demand min–max m²", "需求下限–上限 m²"},
    {"min", "下限"},
    {"max", "上限"},
    {"outside demand", "超出需求范围"},
    {"Bars: GFA; ticks: demand min and max.", "条形：建筑面积；刻度：需求下限和上限。"},
    {"技术经济指标", "技术经济指标"},
    {"before 现状", "现状"},
    {"after 规划", "规划"},
    {"site area 用地面积", "用地面积"},
    {"m²", "m²"},
    {"m", "m"},
    {"GFA 总建筑面积", "总建筑面积"},
    {"counted GFA 计容建筑面积", "计容建筑面积"},
    {"FAR 容积率", "容积率"},
    {"coverage 建筑系数", "建筑系数"},
    {"factory footprint 厂房占地", "厂房占地面积"},
    {"office footprint 办公占地", "办公占地面积"},
    {"factory storeys 厂房层数", "厂房层数"},
    {"factory height 厂房高度", "厂房高度"},
    {"office storeys 办公层数", "办公层数"},
    {"office height 办公高度", "办公高度"},
    {"office share 办公占比 (kind office)", "办公占比（办公类产业）"},
    {"of GFA", "占建筑面积"},
    {"value 目标贡献", "目标贡献"},
    {"m²-eq", "m²当量"},
    {"neighbour bonus 邻里集聚", "邻近集聚奖励"},
    {"chains 产业链", "产业链"},
    {"; … (%d in all)", "；…（共 %d 条）"},
    {"改造地块 Redeveloped parcels", "改造地块"},
    {"Each parcel: its technical and economic indicators, then the stacking plan (storeys to "
     "scale; per storey its height, the industry's floor load and the slab's design cap at that "
     "level, kN/m²; red dashes: height caps). The same drawings are in stacks/.",
     "每个地块：技术经济指标表，然后是竖向布局图（楼层按比例绘制；每层注明层高、产业的楼面荷载和该"
     "层楼板的设计荷载，kN/m²；红色虚线：限高）。同样的图也在 stacks/ 目录中。"},
    {"No parcel is redeveloped in this plan.", "本方案没有改造任何地块。"},
    {"保留的候选地块 Kept candidates", "保留的候选地块"},
    {"Candidates the plan does not redevelop, and why: the rule or zone-wide limit that kept each "
     "(as <code>reason</code> in parcels.geojson).",
     "本方案不改造的候选地块及原因：使其保留的规则或片区总量限制（即 parcels.geojson 中的 "
     "<code>reason</code>）。"},
    {"why kept 保留原因", "保留原因"},
    {"Every candidate is redeveloped.", "所有候选地块均已改造。"},
    {"分期 Phasing (成熟一块、启动一块)", "分期实施（成熟一块、启动一块）"},
    {"status %s", "状态：%s"},
    {" (stop_reason %s)", "（停止原因：%s）"},
    {" · %d %s started · discounted value ", " · 启动 %d %s · 折现价值 "},
    {"count\004parcel", "个地块"},
    {"count\004parcels", "个地块"},
    {"The current floor space of %lld %s is unknown (现状建面未知): not in the totals above.",
     "%lld %s的现状建筑面积未知，未计入上表合计。"},
    {"注意 Warnings", "注意"},
    {"unknown 未知", "未知"},
    {"fits no storey 无处可放", "无处可放"},
    {" · bound ", " · 上界 "},
    {" · gap ", " · 间隙 "},
    {"year 年份", "年份"},
    {"started 启动", "启动数"},
    {"spending 投资 CNY", "投资 元"},
    {"cum. budget 累计预算 CNY", "累计预算 元"},
    {"cum. spending 累计投资 CNY", "累计投资 元"},
    {"swing used 腾挪 m²", "已用腾挪空间 m²"},
    {"swing available 可用 m²", "可用腾挪空间 m²"},
    {"GFA into use 投用 m²", "投用建筑面积 m²"},
    {", ", "、"},
    {"经济测算 Economics", "经济测算"},
    {"capex 投资 万元", "改造投资 万元"},
    {"NOI 净租金 万元/年", "净经营收入 万元/年"},
    {"tax 税收 万元/年", "税收 万元/年"},
    {"payback 回收期 年", "投资回收期 年"},
    {"NPV 净现值 万元", "净现值 万元"},
    {"tax per mu 亩均税收 before → after 万元/亩", "亩均税收 现状 → 改造后 万元/亩"},
    {"zone 片区 (%d redeveloped)", "片区（改造 %d 个地块）"},
    {"亩均 grade", "亩均评价等级"},
    {"not graded 未评", "未评"},
    {"Grade cut-offs (亩均税收, 万元/亩): A ≥ ", "等级划分（亩均税收，万元/亩）：A类 ≥ "},
    {", B ≥ ", "，B类 ≥ "},
    {", C ≥ ", "，C类 ≥ "},
    {", else D (%s), over the zone's industrial parcels. Cash per year = NOI + %g × tax; NPV over ",
     "，其余为D类（%s），按片区内工业地块计。年现金流 = 净经营收入 + %g × 税收；净现值按 "},
    {"%d year at %g %%.", "%d 年、折现率 %g %% 计算。"},
    {"%d years at %g %%.", "%d 年、折现率 %g %% 计算。"},
    {"from the scenario", "取自情景文件"},
    {"the zone's 75th, 30th and 5th percentiles of today", "取片区现状的第 75、30、5 百分位"},
    {"capex 万元", "改造投资 万元"},
    {"NOI 万元/年", "净经营收入 万元/年"},
    {"tax 万元/年", "税收 万元/年"},
    {"payback 年", "投资回收期 年"},
    {"NPV 万元", "净现值 万元"},
    {"亩均税收 before 万元/亩", "现状亩均税收 万元/亩"},
    {"after 万元/亩", "改造后 万元/亩"},
    {"grade before", "现状等级"},
    {"after", "改造后等级"},
    {"Areas are geodesic (CGCS2000 ellipsoid); the map layers are in shanglou.gpkg (open it in "
     "QGIS), the table in parcels.csv.",
     "面积为椭球面面积（CGCS2000 椭球）；地图图层见 shanglou.gpkg（用 QGIS 打开），数据表见 "
     "parcels.csv。"},
    /* shanglou.xlsx (out/xlsx.c): sheet names, column headers, the 技术经济指标 sheet */
    {"industry\004id", "产业编号"},
    {"sheet\004parcels", "地块"},
    {"sheet\004storeys", "楼层"},
    {"sheet\004industries", "产业"},
    {"sheet\004indicators 技术经济指标", "技术经济指标"},
    {"sheet\004economics", "经济测算"},
    {"sheet\004phases", "分期"},
    {"parcel_id", "地块编号"},
    {"block", "建筑"},
    {"level", "楼层"},
    {"industry", "产业编号"},
    {"industry_name", "产业名称"},
    {"base_m", "底标高(m)"},
    {"height_m", "层高(m)"},
    {"top_m", "顶标高(m)"},
    {"name", "名称"},
    {"chain", "产业链"},
    {"kind", "类型"},
    {"shared", "配套"},
    {"priority", "优先级"},
    {"floor_height_m", "层高(m)"},
    {"floor_load_kN_m2", "楼面荷载(kN/m²)"},
    {"lift_t", "货梯载重(t)"},
    {"vibration", "振动"},
    {"fire_class", "火灾危险性类别"},
    {"trips_per_1000m2_day", "交通量(车次/千m²·日)"},
    {"rent_cny_m2_month", "租金(元/m²·月)"},
    {"tax_cny_m2_year", "税收(元/m²·年)"},
    {"demand_min_m2", "需求下限(m²)"},
    {"demand_max_m2", "需求上限(m²)"},
    {"storeys", "楼层数"},
    {"demand_met", "满足需求"},
    {"below demand_min", "低于需求下限"},
    {"above demand_max", "高于需求上限"},
    {"yes", "是"},
    {"year", "年份"},
    {"parcels_started", "启动地块数"},
    {"spending_cny", "投资(元)"},
    {"cumulative_budget_cny", "累计预算(元)"},
    {"cumulative_spending_cny", "累计投资(元)"},
    {"swing_space_used_m2", "已用腾挪空间(m²)"},
    {"swing_space_available_m2", "可用腾挪空间(m²)"},
    {"gfa_into_use_m2", "投用建筑面积(m²)"},
    {"indicator 指标", "指标"},
    {"unit 单位", "单位"},
    {"current 现状", "现状"},
    {"planned 规划", "规划"},
    {"note 说明", "说明"},
    {"unit\004parcels", "个"},
    {"unit\004m²", "m²"},
    {"unit\004mu 亩", "亩"},
    {"unit\004m", "m"},
    {"unit\004m²-eq", "m²当量"},
    {"unit\004%", "%"},
    {"unit\004CNY", "元"},
    {"unit\004CNY/year", "元/年"},
    {"unit\004CNY/mu", "元/亩"},
    {"unit\004years", "年"},
    {"unit\004year", "年份"},
    {"unit\004storeys", "层"},
    {"every input feature", "输入的全部要素"},
    {"kept candidates 保留地块", "保留地块"},
    {"not candidates 非候选地块", "非候选地块"},
    {"not counted in the areas below", "不计入以下面积"},
    {"1 mu = 666.67 m²", "1 亩 = 666.67 m²"},
    {"candidates' site area 低效用地面积", "低效用地面积"},
    {"planned: the redeveloped parcels' new GFA, the others' current",
     "规划：改造地块计新建筑面积，其余地块计现状"},
    {"storeys taller than tall_storey_m count twice", "层高超过规定值的楼层按两倍计容"},
    {"counted GFA / site area", "计容建筑面积 / 用地面积"},
    {"candidates' GFA 低效用地建筑面积", "低效用地建筑面积"},
    {"candidates' max GFA under %s 候选地块规则上限建筑面积", "规则集 %s 下候选地块最大建筑面积"},
    {"if every candidate were rebuilt to this rule set's caps",
     "假设所有候选地块均按此规则集上限改造"},
    {"candidates' possible gain 候选地块可增建筑面积", "候选地块可增建筑面积"},
    {"sum of gain_m2 under the plan rule set", "按规划规则集各地块可增建筑面积之和"},
    {"redeveloped site area 改造用地面积", "改造用地面积"},
    {"redeveloped GFA 改造地块建筑面积", "改造地块建筑面积"},
    {"planned: summary.json gfa_m2", "规划：即 summary.json 的 gfa_m2"},
    {"GFA gain 新增建筑面积", "新增建筑面积"},
    {"redeveloped FAR 改造地块容积率", "改造地块容积率"},
    {"redeveloped coverage 改造地块建筑系数", "改造地块建筑系数"},
    {"footprints / site area", "建筑占地面积 / 用地面积"},
    {"storeys 楼层", "楼层数"},
    {"tallest block 最高建筑高度", "最高建筑高度"},
    {"objective 目标值", "目标值"},
    {"bound 上界", "上界"},
    {"not proven", "未证明"},
    {"gap 间隙", "间隙"},
    {"capex 总投资", "总投资"},
    {"NOI 净租金收入", "净经营收入"},
    {"tax 税收", "税收"},
    {"the redeveloped parcels' new tax", "改造地块的新增税收"},
    {"payback 投资回收期", "投资回收期"},
    {"NPV 净现值", "净现值"},
    {"tax per mu 亩均税收", "亩均税收"},
    {"industrial parcels with a known tax", "税收已知的工业地块"},
    {"not graded 未评级", "未评级"},
    {"grade %s 亩均评价 %s 类", "亩均评价 %s 类（%s）"},
    {"parcels started 启动地块", "启动地块"},
    {"last in use 全部投用年份", "全部投用年份"},
    /* the report's map (out/report_map.c) */
    {"片区地图 Map", "片区地图"},
    {"Every parcel, north up, coloured by its status (in a plan, each redeveloped parcel by the "
     "chain its building is themed with). Ids and enterprise names are written where they fit. "
     "Hover over a parcel to see its numbers and its stack; click it to keep them.",
     "全部地块，上北下南，按状态着色（规划方案中，改造地块按其建筑所属产业链着色）。空间足够处注明"
     "地块编号和企业名称。鼠标悬停在地块上可查看其指标和竖向布局，点击可固定显示。"},
    {"map of the zone's parcels", "片区地块图"},
    {"Hover over or click a parcel to see its numbers and its stack.",
     "悬停或点击地块，查看其指标和竖向布局。"},
    {"图例 Legend", "图例"},
    {"改造 redeveloped, by the building's chain 产业链:", "改造，按建筑所属产业链："},
    {"指定 pinned (plan.pins)", "指定地块（一企一策）"},
    {"N", "北"},
    {"parcels without a usable geometry are not drawn", "个地块没有可用的几何图形，未绘制"},
    {"No map: the parcels cannot be drawn in metres", "无地图：地块无法按米制坐标绘制"},
    {"竖向布局 stack, top down", "竖向布局（自上而下）"},
    {"no stack: not redeveloped", "无竖向布局：未改造"},
    {"技术经济指标表 →", "技术经济指标表 →"},
    {"status 状态", "状态"},
    {"reason 原因", "原因"},
    {"site area 用地面积 m²", "用地面积 m²"},
    {"FAR 容积率 before → after", "容积率 现状 → 规划"},
    {"GFA 建筑面积 m² before → after", "建筑面积 m² 现状 → 规划"},
    {"pin 指定", "指定"},
    {"max GFA 最大建面 m² (plan rules)", "最大建筑面积 m²（规划规则集）"},
    {"gain 增量 m²", "可增建筑面积 m²"},
    {"level 层", "楼层"},
    {"height 层高 m", "层高 m"},
    /* comparison.csv: economics and phasing columns (out/compare.c); the start-year style (out/styles.c) */
    {"tax_per_mu_before_cny", "现状亩均税收(元/亩)"},
    {"grades_before_A", "现状A类地块数"},
    {"grades_before_B", "现状B类地块数"},
    {"grades_before_C", "现状C类地块数"},
    {"grades_before_D", "现状D类地块数"},
    {"grades_after_A", "改造后A类地块数"},
    {"grades_after_B", "改造后B类地块数"},
    {"grades_after_C", "改造后C类地块数"},
    {"grades_after_D", "改造后D类地块数"},
    {"phasing_status", "分期求解状态"},
    {"phasing_stop_reason", "分期停止原因"},
    {"phasing_objective", "分期目标值"},
    {"phasing_bound", "分期上界"},
    {"phasing_gap", "分期间隙"},
    {"first_start_year", "最早启动年份"},
    {"last_start_year", "最晚启动年份"},
    {"last_in_use_year", "全部投用年份"},
    {"shanglou: redeveloped parcels graduated by start_year (phasing, 成熟一块、启动一块), early "
     "dark blue to late pale yellow, labelled with id and start year; parcels not started are not "
     "drawn",
     "shanglou：改造地块按启动年份分级着色（分期实施，成熟一块、启动一块），早者深蓝、晚者浅黄，标"
     "注地块编号和启动年份；未启动的地块不绘制"},
    /* the phasing timeline (out/report.c) */
    {"分期 phasing timeline", "分期时间轴"},
    {"累计投资 cumulative spending (bars) / 累计预算 budget (line), 亿元",
     "累计投资（柱）/ 累计预算（线），亿元"},
    {"no budget rule", "无预算约束"},
    {"腾挪 swing space used (bars) / available (line), 万 m²",
     "已用腾挪空间（柱）/ 可用（线），万 m²"},
    {"no swing-space rule", "无腾挪空间约束"},
    {"starts 启动", "启动数"},
};
#define N_ROWS ((int)(sizeof table / sizeof table[0]))

static const char *const lang_names[SL_N_LANGS] = {"en", "zh"};

const char *sl_lang_name(sl_lang lang)
{
    return lang >= 0 && lang < SL_N_LANGS ? lang_names[lang] : NULL;
}

bool sl_lang_parse(const char *name, sl_lang *out)
{
    for (int i = 0; name && i < SL_N_LANGS; i++)
        if (strcmp(name, lang_names[i]) == 0) {
            *out = (sl_lang)i;
            return true;
        }
    return false;
}

const char *sl_lang_list(void)
{
    return "en, zh";
}

/* Row numbers sorted by key, built once, for binary search. */
static int sorted[N_ROWS];
static pthread_once_t sorted_once = PTHREAD_ONCE_INIT;

static int cmp_rows(const void *a, const void *b)
{
    return strcmp(table[*(const int *)a].en, table[*(const int *)b].en);
}

static void sort_rows(void)
{
    for (int i = 0; i < N_ROWS; i++)
        sorted[i] = i;
    qsort(sorted, N_ROWS, sizeof sorted[0], cmp_rows);
}

static int find(const char *en)
{
    pthread_once(&sorted_once, sort_rows);
    int lo = 0, hi = N_ROWS - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int c = strcmp(en, table[sorted[mid]].en);
        if (c == 0)
            return sorted[mid];
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return -1;
}

const char *sl_tr(sl_lang lang, const char *en)
{
    if (!en)
        return en;
    if (lang != SL_LANG_ZH) {
        const char *ctx = strchr(en, '\004');
        return ctx ? ctx + 1 : en;
    }
    int i = find(en);
    if (i >= 0)
        return table[i].zh;
    const char *ctx = strchr(en, '\004');
    return ctx ? ctx + 1 : en;
}

const char *sl_tr_ctx(sl_lang lang, const char *ctx, const char *word)
{
    if (lang != SL_LANG_ZH || !word)
        return word;
    char key[256];
    int n = snprintf(key, sizeof key, "%s\004%s", ctx, word);
    int i = n > 0 && (size_t)n < sizeof key ? find(key) : -1;
    return i >= 0 ? table[i].zh : word;
}

bool sl_tr_has(const char *en)
{
    return en && find(en) >= 0;
}

int sl_tr_count(void)
{
    return N_ROWS;
}

bool sl_tr_row(int i, const char **en, const char **zh)
{
    if (i < 0 || i >= N_ROWS)
        return false;
    *en = table[i].en;
    *zh = table[i].zh;
    return true;
}
