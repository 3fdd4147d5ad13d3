// The update rules behind the optimizer table (optimizers.cpp): one factory per torch.optim
// class, each returning an optimizer whose state is sized to `blocks`. Private to the library.
#pragma once

#include "mlp/optimizer.hpp"

#include <memory>
#include <span>

namespace mlp {

// params: the resolved slots of the entry's ParamSpec list, in table order.
std::unique_ptr<Optimizer> make_sgd(std::span<const double> params, std::span<const ParamBlock> blocks);
// Adam, or AdamW when `decoupled` (weight decay applied to p, not added to g).
std::unique_ptr<Optimizer> make_adam(std::span<const double> params, std::span<const ParamBlock> blocks,
                                     bool decoupled);
std::unique_ptr<Optimizer> make_rmsprop(std::span<const double> params, std::span<const ParamBlock> blocks);
std::unique_ptr<Optimizer> make_adagrad(std::span<const double> params, std::span<const ParamBlock> blocks);

}  // namespace mlp
