package anchor.cli;

import anchor.gpt2.Gpt2Config;
import anchor.gpt2.Gpt2Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "params", description = "Count a model's parameters and their FP32/FP16 bytes.")
final class ParamsCommand implements Runnable {
    @Mixin
    Common common;
    @Mixin
    ModelOptions modelOptions;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        long trainable;
        if (modelOptions.config != null && modelOptions.model == null) {
            trainable = Gpt2Config.preset(modelOptions.config).parameterCount(); // the graph test proves formula = graph
        } else {
            trainable = Gpt2Model.of(modelOptions.load(spec.commandLine().getErr())).trainableParameterCount();
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("total", trainable);
        r.put("trainable", trainable);
        r.put("fp32_bytes", trainable * 4);
        r.put("fp16_bytes", trainable * 2);
        var out = spec.commandLine().getOut();
        if (common.json) {
            Common.printJson(out, r);
            return;
        }
        out.printf("parameters: %,d (all trainable)%n", trainable);
        out.printf("FP32: %,d bytes = %.1f MB%n", trainable * 4, trainable * 4 / 1048576.0);
        out.printf("FP16: %,d bytes = %.1f MB%n", trainable * 2, trainable * 2 / 1048576.0);
    }
}
