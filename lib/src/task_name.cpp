// task_name, declared in dataset.hpp. Defined on its own until dataset.cpp (the CSV loader, on
// another branch) provides it; whichever lands second drops its copy.
#include "mlp/dataset.hpp"

namespace mlp {

const char* task_name(Task task) { return task == Task::kClassification ? "classification" : "regression"; }

}  // namespace mlp
