import { defineProject } from "vitest/config";
import { iwProject } from "../../vitest.shared.js";

export default defineProject(iwProject("cli"));
