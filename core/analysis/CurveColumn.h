#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace runlens {

// A read-only column of a chart curve: its own numbers, or a column of the history it was
// made from, shared instead of copied (a 100-run chart of 50,000 points a run copied 120 MB
// of steps, wall times and raw values it never changes).
class CurveColumn {
public:
    CurveColumn() = default;
    CurveColumn(std::vector<double> own)  // NOLINT(google-explicit-constructor): a vector is one
        : CurveColumn(std::make_shared<const std::vector<double>>(std::move(own))) {}
    // `column` lives as long as `owner` (a member of it).
    template <class Owner>
    CurveColumn(std::shared_ptr<const Owner> owner, const std::vector<double>& column)
        : m_owner(std::move(owner)), m_data(column.data()), m_size(column.size()) {}

    const double* data() const { return m_data; }
    size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    double operator[](size_t i) const { return m_data[i]; }
    double front() const { return m_data[0]; }
    double back() const { return m_data[m_size - 1]; }
    const double* begin() const { return m_data; }
    const double* end() const { return m_data + m_size; }
    std::vector<double> toVector() const { return {begin(), end()}; }
    void clear() { *this = CurveColumn(); }

private:
    explicit CurveColumn(std::shared_ptr<const std::vector<double>> own) : CurveColumn(own, *own) {}

    std::shared_ptr<const void> m_owner;
    const double* m_data = nullptr;
    size_t m_size = 0;
};

}  // namespace runlens
