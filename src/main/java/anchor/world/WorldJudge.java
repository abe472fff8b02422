package anchor.world;

import anchor.ppo.Judge;

/** The world's judge for PPO: its gold reward, and its exact grammar checker (chapter 3). */
public final class WorldJudge implements Judge {
    public static final WorldJudge INSTANCE = new WorldJudge();

    private WorldJudge() {
    }

    @Override
    public double gold(int[] responseIds) {
        return GoldReward.of(PreferenceData.responseText(responseIds));
    }

    @Override
    public boolean wellFormed(int[] responseIds) {
        return Language.isGrammatical(PreferenceData.responseText(responseIds));
    }
}
