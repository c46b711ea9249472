// The Train loop: ask for a frame, draw it, wait a moment, ask again. Never two requests in
// flight. Every start or stop bumps the generation, so a loop from before stops by itself.

const POLL_GAP_MS = 30;

export class Player {
  constructor(client, onFrame, onStopped) {
    this.client = client;
    this.onFrame = onFrame;
    this.onStopped = onStopped;
    this.generation = 0;
    this.playing = false;
  }

  async play() {
    const generation = ++this.generation;
    this.playing = true;
    const training = await this.client.train();
    if (!training) {
      this.halt();
      const frame = await this.client.frame();
      this.onFrame(frame);
      this.onStopped(frame);
      return;
    }
    this.loop(generation);
  }

  async pause() {
    this.halt();
    await this.client.pause();
  }

  // Stop the loop without telling the server (callers that pause or reconfigure do that).
  halt() {
    this.generation += 1;
    this.playing = false;
  }

  async loop(generation) {
    let revision = null;
    while (generation === this.generation) {
      let frame;
      try {
        frame = await this.client.frame(revision);
      } catch (error) {
        if (generation === this.generation) { this.halt(); this.onStopped(null, error); }
        return;
      }
      if (generation !== this.generation) return;
      if (frame) {
        revision = frame.revision;
        await this.onFrame(frame);
        if (!frame.training) { this.halt(); this.onStopped(frame); return; }
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_GAP_MS));
    }
  }
}
