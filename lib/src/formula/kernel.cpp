// Kernel: the programs of one formula compiled for one parameter layout (forward, backward,
// learned-parameter gradients, both fused, raw values), and the calls that run them.
#include "formula/evaluate.hpp"
#include "formula/program.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace mlp::formula {

namespace detail {

struct Programs : CompiledPrograms {
  std::vector<bool> per_unit;
  std::vector<int> learned;  // parameter index of each learned parameter
  int registers = 0;
  int scalars = 0;
};

}  // namespace detail

namespace {

std::vector<detail::Root> learned_roots(const Formula& formula, const std::vector<int>& learned, int first_output,
                                        detail::SinkKind kind) {
  std::vector<detail::Root> roots;
  for (std::size_t i = 0; i < learned.size(); ++i) {
    roots.push_back({formula.param_derivative(learned[i]), kind, first_output + static_cast<int>(i)});
  }
  return roots;
}

std::shared_ptr<const detail::Programs> compile_all(const Formula& formula, std::vector<bool> per_unit) {
  using detail::Root;
  using detail::SinkKind;
  if (per_unit.size() != formula.params().size()) {
    throw std::invalid_argument("formula::Kernel: per_unit has " + std::to_string(per_unit.size()) + " entries for " +
                                std::to_string(formula.params().size()) + " parameters");
  }
  auto programs = std::make_shared<detail::Programs>();
  programs->per_unit = std::move(per_unit);
  for (std::size_t k = 0; k < formula.params().size(); ++k) {
    if (formula.params()[k].learned) programs->learned.push_back(static_cast<int>(k));
  }
  const Graph& graph = formula.graph();
  const std::vector<bool>& layout = programs->per_unit;
  const NodeId f = formula.value();
  const Root value{f, SinkKind::kStore, 0};
  const Root derivative{formula.derivative(), SinkKind::kStore, 1};
  const Root backward{formula.derivative(), SinkKind::kStoreTimesGrad, 0};

  programs->forward = detail::compile(graph, std::span(&value, 1), layout, -1);
  programs->backward = detail::compile(graph, std::span(&backward, 1), layout, f);
  programs->param_grad =
      detail::compile(graph, learned_roots(formula, programs->learned, 0, SinkKind::kSumTimesGrad), layout, f);
  std::vector<Root> fused{backward};
  for (const Root& root : learned_roots(formula, programs->learned, 1, SinkKind::kSumTimesGrad)) fused.push_back(root);
  programs->fused = detail::compile(graph, fused, layout, f);
  std::vector<Root> values{value, derivative};
  programs->values_f = detail::compile(graph, values, layout, -1);
  for (const Root& root : learned_roots(formula, programs->learned, 2, SinkKind::kStore)) values.push_back(root);
  programs->values = detail::compile(graph, values, layout, -1);

  for (const detail::Program* p : {&programs->forward, &programs->backward, &programs->param_grad, &programs->fused,
                                   &programs->values, &programs->values_f}) {
    programs->registers = std::max(programs->registers, p->registers);
    programs->scalars = std::max(programs->scalars, static_cast<int>(p->scalars.size()));
  }
  return programs;
}

}  // namespace

namespace {

// The bindings a call was given, against the layout the kernel was built for: a mistake in the
// calling code, not in the user's input.
template <class T>
void check_bindings(const detail::Programs& programs, std::span<const typename Kernel<T>::Binding> params) {
  if (params.size() != programs.per_unit.size()) {
    throw std::invalid_argument("formula::Kernel: " + std::to_string(params.size()) + " bindings for " +
                                std::to_string(programs.per_unit.size()) + " parameters");
  }
  for (std::size_t k = 0; k < params.size(); ++k) {
    if (programs.per_unit[k] && params[k].per_unit == nullptr) {
      throw std::invalid_argument("formula::Kernel: parameter " + std::to_string(k) + " is per unit: no values given");
    }
  }
}

}  // namespace

template <class T>
Kernel<T>::Kernel(const Formula& formula, std::vector<bool> per_unit)
    : programs_(compile_all(formula, std::move(per_unit))) {}

template <class T>
Kernel<T>::~Kernel() = default;

template <class T>
typename Kernel<T>::Scratch Kernel<T>::make_scratch() const {
  Scratch scratch;
  // The program's registers and one more for instructions' own intermediate values (Run::temp).
  scratch.registers_.assign(static_cast<std::size_t>((programs_->registers + 1) * kChunk), T(0));
  scratch.scalars_.assign(static_cast<std::size_t>(programs_->scalars), 0.0);
  return scratch;
}

template <class T>
int Kernel<T>::learned_count() const {
  return static_cast<int>(programs_->learned.size());
}

template <class T>
void Kernel<T>::forward(std::span<const Binding> params, ConstView z, View a, Scratch& scratch) const {
  check_bindings<T>(*programs_, params);
  T* const outputs[] = {a.data()};
  detail::run_program<T>(programs_->forward, params, z.rows(), z.cols(), z.data(), nullptr, nullptr, outputs,
                         scratch.registers_.data(), scratch.scalars_.data());
}

template <class T>
void Kernel<T>::backward(std::span<const Binding> params, ConstView z, ConstView a, ConstView grad_a, View grad_z,
                         Scratch& scratch) const {
  check_bindings<T>(*programs_, params);
  T* const outputs[] = {grad_z.data()};
  detail::run_program<T>(programs_->backward, params, z.rows(), z.cols(), z.data(), a.data(), grad_a.data(), outputs,
                         scratch.registers_.data(), scratch.scalars_.data());
}

template <class T>
void Kernel<T>::param_grad(std::span<const Binding> params, ConstView z, ConstView a, ConstView grad_a,
                           std::span<T* const> grad_learned, Scratch& scratch) const {
  check_bindings<T>(*programs_, params);
  detail::run_program<T>(programs_->param_grad, params, z.rows(), z.cols(), z.data(), a.data(), grad_a.data(),
                         grad_learned, scratch.registers_.data(), scratch.scalars_.data());
}

template <class T>
void Kernel<T>::backward_and_param_grad(std::span<const Binding> params, ConstView z, ConstView a, ConstView grad_a,
                                        View grad_z, std::span<T* const> grad_learned, Scratch& scratch) const {
  check_bindings<T>(*programs_, params);
  std::array<T*, 1 + kMaxParams> outputs{grad_z.data()};
  std::copy(grad_learned.begin(), grad_learned.end(), outputs.begin() + 1);
  detail::run_program<T>(programs_->fused, params, z.rows(), z.cols(), z.data(), a.data(), grad_a.data(),
                         std::span<T* const>(outputs.data(), 1 + grad_learned.size()), scratch.registers_.data(),
                         scratch.scalars_.data());
}

template <class T>
void Kernel<T>::values(std::span<const Binding> params, ConstView z, View f, View df_dx,
                       std::span<T* const> df_dlearned, Scratch& scratch) const {
  check_bindings<T>(*programs_, params);
  std::array<T*, 2 + kMaxParams> outputs{f.data(), df_dx.data()};
  for (std::size_t i = 0; i < df_dlearned.size(); ++i) outputs[2 + i] = df_dlearned[i];
  const detail::Program& program = df_dlearned.empty() ? programs_->values_f : programs_->values;
  detail::run_program<T>(program, params, z.rows(), z.cols(), z.data(), nullptr, nullptr,
                         std::span<T* const>(outputs.data(), 2 + df_dlearned.size()), scratch.registers_.data(),
                         scratch.scalars_.data());
}

template class Kernel<float>;
template class Kernel<double>;

}  // namespace mlp::formula
