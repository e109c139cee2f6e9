// SPDX-License-Identifier: GPL-2.0
#include "output.h"

#include <cmath>
#include <cstdio>

const char csv_header[] = "tasks,processes,processes_idle,threads,threads_idle,linear";
const char *const fault_counters[4] = { "pgfault", "pgmajfault", "pswpin",
					"pswpout" };

namespace {

std::string fmt(const char *f, double v)
{
	char buf[64];
	snprintf(buf, sizeof(buf), f, v);
	return buf;
}

std::string hex_escape(unsigned char c)
{
	char buf[8];
	snprintf(buf, sizeof(buf), "\\u%04x", c);
	return buf;
}

// A small pretty-printing JSON writer; arrays opened "inline" stay on
// one line. It trusts its caller to nest keys and values correctly.
class Json {
public:
	void open(char c, bool inline_ = false)
	{
		item();
		out += c;
		st.push_back({ c == '{' ? '}' : ']', true, inline_ });
	}

	void close()
	{
		Level l = st.back();
		st.pop_back();
		if (!l.first && !l.inline_)
			newline();
		out += l.close;
	}

	Json &key(const std::string &k)
	{
		item();
		out += '"' + json_escape(k) + "\": ";
		after_key = true;
		return *this;
	}

	void str(const std::string &s) { raw('"' + json_escape(s) + '"'); }
	// Non-finite values have no JSON form: null.
	void num(double v, const char *f = "%.2f")
	{
		raw(std::isfinite(v) ? fmt(f, v) : "null");
	}
	void integer(int64_t v) { raw(std::to_string(v)); }
	void boolean(bool b) { raw(b ? "true" : "false"); }

	void raw(const std::string &s)
	{
		item();
		out += s;
	}

	std::string out;

private:
	struct Level {
		char close;
		bool first;
		bool inline_;
	};
	std::vector<Level> st;
	bool after_key = false;

	void newline()
	{
		out += '\n';
		out.append(2 * st.size(), ' ');
	}

	void item()
	{
		if (after_key) {
			after_key = false;
			return;
		}
		if (st.empty())
			return;
		Level &l = st.back();
		if (!l.first)
			out += l.inline_ ? ", " : ",";
		if (!l.inline_)
			newline();
		l.first = false;
	}
};

void counters(Json &j, const Counters &c)
{
	j.open('{');
	for (const auto &kv : c)
		j.key(kv.first).integer(kv.second);
	j.close();
}

void mode_result(Json &j, const ModeResult &m, const Report &r)
{
	j.open('{');
	j.key("mean").num(m.stats.mean);
	j.key("stddev").num(m.stats.stddev);
	j.key("min").num(m.stats.min);
	j.key("max").num(m.stats.max);
	j.key("samples").open('[', true);
	for (double s : m.samples)
		j.num(s);
	j.close();
	j.key("idle_pct").num(m.idle_pct);
	j.key("pinned").boolean(m.pinned);
	if (m.writer_per_s >= 0)
		j.key("writer_mprotect_per_s").num(m.writer_per_s);
	j.key("tlb_shootdowns_per_s").num(m.tlb_ipis_per_s, "%.1f");

	const CpuUse &u = m.cpu;
	j.key("faulter_cpu").num(u.faulter, "%.3f");
	j.key("faulter_cpu_samples").open('[', true);
	for (double s : u.samples)
		j.num(s, "%.3f");
	j.close();
	if (m.writer_per_s >= 0)
		j.key("writer_cpu").num(u.writer, "%.3f");
	j.key("ops_per_cpu_s").num(u.ops_per_cpu_s);
	j.key("faulter_vcsw_per_s").num(u.vcsw_per_s, "%.1f");
	j.key("faulter_nvcsw_per_s").num(u.nvcsw_per_s, "%.1f");
	if (!std::isnan(u.zap_per_s)) {
		j.key("zap_s_per_s").num(u.zap_per_s, "%.4f");
		j.key("ops_per_task_s_outside_zap").num(u.ops_outside_zap);
	}

	j.key("spf_counters");
	counters(j, m.spf);
	j.key("vm_counters");
	counters(j, m.vm);

	const PageReport &p = m.pages;
	j.key("pages").open('{');
	j.key("requested").str(r.page_size);
	j.key("applied").boolean(r.page_applied);
	j.key("source").str(p.source);
	if (p.source == "smaps_first_pass")
		j.key("region_bytes").integer(p.region_bytes);
	j.key("thp_faulted_bytes").integer(p.thp_bytes);
	j.key("small_faulted_bytes").integer(p.small_bytes);
	j.key("thp_fault_alloc").integer(p.thp_fault_alloc);
	j.key("thp_fault_fallback").integer(p.thp_fault_fallback);
	j.close();

	j.close();
}

} // namespace

double linear_base(const Report &r)
{
	for (const Row &row : r.rows) {
		if (row.tasks != 1)
			continue;
		if (row.processes.ran)
			return row.processes.stats.mean;
		if (row.threads.ran)
			return row.threads.stats.mean;
	}
	return 0;
}

std::string format_csv_row(const Row &row, double base)
{
	char buf[256];
	const ModeResult &p = row.processes, &t = row.threads;

	snprintf(buf, sizeof(buf), "%u,%.0f,%.2f,%.0f,%.2f,%.0f", row.tasks,
		 p.ran ? p.stats.mean : 0, p.ran ? p.idle_pct : 0,
		 t.ran ? t.stats.mean : 0, t.ran ? t.idle_pct : 0,
		 row.tasks * base);
	return buf;
}

std::string format_csv(const Report &r)
{
	std::string s = std::string(csv_header) + "\n";
	double base = linear_base(r);

	for (const Row &row : r.rows)
		s += format_csv_row(row, base) + "\n";
	return s;
}

std::string json_escape(const std::string &s)
{
	std::string o;

	for (unsigned char c : s) {
		switch (c) {
		case '"': o += "\\\""; break;
		case '\\': o += "\\\\"; break;
		case '\b': o += "\\b"; break;
		case '\f': o += "\\f"; break;
		case '\n': o += "\\n"; break;
		case '\r': o += "\\r"; break;
		case '\t': o += "\\t"; break;
		default:
			if (c < 0x20)
				o += hex_escape(c);
			else
				o += c;
		}
	}
	return o;
}

std::string format_json(const Report &r)
{
	Json j;
	bool writer = r.writer_mb != 0;

	j.open('{');
	j.key("tool").str("spfbench");
	j.key("workload").str(r.workload);
	j.key("modes").open('[', true);
	for (const auto &m : r.modes)
		j.str(m);
	j.close();
	j.key("page_size").str(r.page_size);
	j.key("size_mb").integer(r.size_mb);
	if (writer) {
		j.key("writer_size_mb").integer(r.writer_mb);
		j.key("writer_in").str(r.writer_process ? "process" : "thread");
		j.key("writer_rate").integer(r.writer_rate);
		j.key("windows").str(r.interleaved ? "interleaved" : "sequential");
		if (r.interleaved) {
			j.key("phase_s").num(phase_s, "%.1f");
			j.key("settle_s").num(settle_s, "%.1f");
		}
	}
	if (!r.file_dir.empty()) {
		j.key("file_dir").str(r.file_dir);
		j.key("file_fs").str(r.file_fs);
	}
	j.key("warmup_s").integer(r.warmup_s);
	j.key("duration_s").integer(r.duration_s);
	j.key("accel").str(r.accel);
	j.key("vcpus").integer(r.vcpus);
	j.key("kernel").str(r.kernel);
	j.key("series").str(r.series);
	j.key("spf_switch").str(r.spf_switch);
	j.key("base_page_bytes").integer(r.base_page_bytes);
	j.key("spf_counters");
	counters(j, r.spf_counters);

	j.key("results").open('[');
	for (const Row &row : r.rows) {
		j.open('{');
		j.key("tasks").integer(row.tasks);
		if (row.processes.ran)
			mode_result(j.key("processes"), row.processes, r);
		if (row.threads.ran)
			mode_result(j.key("threads"), row.threads, r);
		if (writer && row.threads_writer_idle.ran) {
			mode_result(j.key("threads_writer_idle"),
				    row.threads_writer_idle, r);
			const ModeResult &idle = row.threads_writer_idle;
			const ModeResult &busy = row.threads;
			j.key("busy_idle_ratio").num(ratio(busy.stats.mean,
							   idle.stats.mean), "%.4f");
			j.key("busy_idle_ratio_per_cpu_s").num(
				ratio(busy.cpu.ops_per_cpu_s,
				      idle.cpu.ops_per_cpu_s), "%.4f");
			j.key("busy_idle_ratio_outside_zap").num(
				ratio(busy.cpu.ops_outside_zap,
				      idle.cpu.ops_outside_zap), "%.4f");
		}
		j.close();
	}
	j.close();

	j.close();
	return j.out + "\n";
}
